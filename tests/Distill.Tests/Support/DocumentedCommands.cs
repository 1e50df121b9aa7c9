using System.Text;

namespace Distill.Tests.Support;

/// <summary>
/// The distill commands written in the README and the docs/ pages: every line of a shell or plain
/// code block that starts with <c>distill</c> (or <c>dotnet run --project src/Distill.Cli -c Release --</c>,
/// or either after a <c>$ </c> prompt), continuation lines joined, comments dropped. After a prompted
/// command, the lines up to the next prompt are the output the page shows for it.
/// </summary>
public static class DocumentedCommands
{
    private const string DotnetRun = "dotnet run --project src/Distill.Cli -c Release --";

    /// <summary>One command as the page shows it, with the page's relative path and the output shown under it (empty when none).</summary>
    public sealed record Command(string Page, string Text, IReadOnlyList<string> ShownOutput);

    /// <summary>Every command of README.md and docs/*.md, pages in that order, commands in page order.</summary>
    public static IReadOnlyList<Command> All()
    {
        var root = RepositoryRoot();
        var pages = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
        return pages.SelectMany(p => Read(Path.GetRelativePath(root, p), File.ReadAllLines(p))).ToList();
    }

    public static IEnumerable<Command> Read(string page, IReadOnlyList<string> lines)
    {
        bool inFence = false, inShell = false;
        var pending = new StringBuilder();
        (string Text, List<string> Output)? prompted = null;
        foreach (var raw in lines)
        {
            if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (prompted is { } open) yield return new Command(page, open.Text, open.Output);
                prompted = null;
                inFence = !inFence;
                inShell = inFence && raw.Trim() is "```" or "```bash" or "```sh" or "```shell" or "```console" or "```text";
                pending.Clear();
                continue;
            }
            if (!inShell) continue;
            var line = raw.TrimEnd();
            var isPrompt = pending.Length == 0 && line.TrimStart().StartsWith("$ ", StringComparison.Ordinal);
            if (pending.Length == 0 && !isPrompt && prompted is { } shown)
            {
                if (line.Length > 0) shown.Output.Add(line.Trim());
                continue;
            }
            if (isPrompt)
            {
                if (prompted is { } previous) yield return new Command(page, previous.Text, previous.Output);
                prompted = null;
                line = line.TrimStart()[2..];
            }
            line = StripComment(pending.Length > 0 ? line.TrimStart() : line).TrimEnd();
            var continues = line.EndsWith('\\');
            pending.Append(continues ? line[..^1].TrimEnd() : line).Append(' ');
            if (continues) continue;
            var command = pending.ToString().Trim();
            pending.Clear();
            if (command.StartsWith(DotnetRun + " ", StringComparison.Ordinal)) command = "distill " + command[(DotnetRun.Length + 1)..];
            if (!command.StartsWith("distill ", StringComparison.Ordinal)) continue;
            if (isPrompt) prompted = (command, []);
            else yield return new Command(page, command, []);
        }
        if (prompted is { } last) yield return new Command(page, last.Text, last.Output);
    }

    /// <summary>The words of a command line as a POSIX shell splits them (quotes removed).</summary>
    public static IReadOnlyList<string> Words(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quote = '\0';
        var any = false;
        foreach (var c in command)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else word.Append(c);
            }
            else if (c is '\'' or '"') { quote = c; any = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (any || word.Length > 0) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else word.Append(c);
        }
        if (any || word.Length > 0) words.Add(word.ToString());
        return words;
    }

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Distill.sln"))) return folder.FullName;
        throw new InvalidOperationException("The repository root (Distill.sln) was not found above the test assembly.");
    }

    private static string StripComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '\'' or '"') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }
}
