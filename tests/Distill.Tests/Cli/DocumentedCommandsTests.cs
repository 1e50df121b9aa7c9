using System.Text;
using Distill.Cli;

namespace Distill.Tests.Cli;

/// <summary>
/// Every distill command written in a shell block of the README or a docs/ page parses against the
/// real command tree: a flag renamed or removed in the code fails here, not in a reader's terminal.
/// (Parsed, not run: most need data sets or minutes of training.)
/// </summary>
public sealed class DocumentedCommandsTests
{
    private const string DotnetRun = "dotnet run --project src/Distill.Cli -c Release --";

    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        var root = RepositoryRoot();
        foreach (var page in new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal)))
            foreach (var command in ShellCommands(File.ReadAllLines(page)))
                data.Add(Path.GetRelativePath(root, page), command);
        return data;
    }

    [Fact]
    public void The_pages_hold_distill_commands_to_check()
    {
        Assert.True(Commands().Count() >= 10, "the README and docs/ should show at least ten distill commands");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_documented_command_parses(string page, string command)
    {
        var args = Words(command).Skip(1).ToArray();
        var (root, _) = CliApplication.Build(new CliContext(new StringWriter(), new StringWriter()));

        var parsed = root.Parse(args);

        Assert.True(parsed.Errors.Count == 0, $"{page}: '{command}': {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
    }

    /// <summary>The distill commands of a page's shell and plain code blocks (a '$ ' prompt dropped), continuation lines joined, comments dropped.</summary>
    private static IEnumerable<string> ShellCommands(IReadOnlyList<string> lines)
    {
        bool inFence = false, inShell = false;
        var pending = new StringBuilder();
        foreach (var raw in lines)
        {
            if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                inShell = inFence && raw.Trim() is "```" or "```bash" or "```sh" or "```shell" or "```console" or "```text";
                pending.Clear();
                continue;
            }
            if (!inShell) continue;
            var line = StripComment(raw).TrimEnd();
            if (pending.Length == 0 && line.TrimStart().StartsWith("$ ", StringComparison.Ordinal)) line = line.TrimStart()[2..];
            var continues = line.EndsWith('\\');
            pending.Append(continues ? line[..^1] : line).Append(' ');
            if (continues) continue;
            var command = pending.ToString().Trim();
            pending.Clear();
            if (command.StartsWith(DotnetRun + " ", StringComparison.Ordinal)) command = "distill " + command[(DotnetRun.Length + 1)..];
            if (command.StartsWith("distill ", StringComparison.Ordinal)) yield return command;
        }
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

    /// <summary>The words of a command line as a POSIX shell splits them (quotes removed).</summary>
    private static IEnumerable<string> Words(string command)
    {
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
                if (any || word.Length > 0) yield return word.ToString();
                word.Clear();
                any = false;
            }
            else word.Append(c);
        }
        if (any || word.Length > 0) yield return word.ToString();
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Distill.sln"))) return folder.FullName;
        throw new InvalidOperationException("The repository root (Distill.sln) was not found above the test assembly.");
    }
}
