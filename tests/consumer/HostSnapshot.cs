using System.Runtime.InteropServices;

/// <summary>
/// What a library could change in the process that hosts it: the C library's environment (where
/// native code such as MKL reads it; .NET's own view of the environment does not see setenv) and
/// the files beside the program (where the native libraries lie).
/// </summary>
sealed class HostSnapshot
{
    private readonly SortedDictionary<string, string> _environment;
    private readonly SortedDictionary<string, string> _files;

    private HostSnapshot(SortedDictionary<string, string> environment, SortedDictionary<string, string> files) =>
        (_environment, _files) = (environment, files);

    public static HostSnapshot Take() => new(LibcEnvironment(), Files());

    /// <summary>One line per variable or file that differs from now.</summary>
    public List<string> ChangesSince()
    {
        var now = Take();
        return Differences("variable", _environment, now._environment).Concat(Differences("file", _files, now._files)).ToList();
    }

    /// <summary>A variable as the C library sees it, or null.</summary>
    public static string? LibcVariable(string name) => LibcEnvironment().GetValueOrDefault(name);

    private static IEnumerable<string> Differences(string what, SortedDictionary<string, string> before, SortedDictionary<string, string> after) =>
        before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{what} {k}: '{before.GetValueOrDefault(k)}' -> '{after.GetValueOrDefault(k)}'");

    private static SortedDictionary<string, string> LibcEnvironment()
    {
        var variables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var environ = Marshal.ReadIntPtr(NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "environ"));
        for (var entry = environ; Marshal.ReadIntPtr(entry) != IntPtr.Zero; entry += IntPtr.Size)
        {
            var text = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry))!;
            var equals = text.IndexOf('=');
            if (equals > 0) variables[text[..equals]] = text[(equals + 1)..];
        }
        return variables;
    }

    private static SortedDictionary<string, string> Files() =>
        new(Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(AppContext.BaseDirectory, f), f => $"{new FileInfo(f).Length} bytes, written {File.GetLastWriteTimeUtc(f):O}"),
            StringComparer.Ordinal);
}
