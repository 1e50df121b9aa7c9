using Distill.Cli;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// Every distill command written in a code block of the README or a docs/ page parses against the
/// real command tree: a flag renamed or removed in the code fails here, not in a reader's terminal.
/// <see cref="DocumentedCommandsRunTests"/> also runs them, on small stand-in data.
/// </summary>
public sealed class DocumentedCommandsTests
{
    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in DocumentedCommands.All()) data.Add(command.Page, command.Text);
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
        var args = DocumentedCommands.Words(command).Skip(1).ToArray();
        var (root, _) = CliApplication.Build(new CliContext(new StringWriter(), new StringWriter()));

        var parsed = root.Parse(args);

        Assert.True(parsed.Errors.Count == 0, $"{page}: '{command}': {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
    }

    [Fact]
    public void A_prompted_command_carries_the_output_the_page_shows_under_it()
    {
        string[] page = ["```", "$ distill run a.json --set x=1", "error: Unknown key 'x'.", "", "$ distill methods", "```", "```bash", "distill compare \\", "  --method at  # comment", "```"];

        var commands = DocumentedCommands.Read("page.md", page).ToList();

        Assert.Equal(["distill run a.json --set x=1", "distill methods", "distill compare --method at"], commands.Select(c => c.Text));
        Assert.Equal(["error: Unknown key 'x'."], commands[0].ShownOutput);
        Assert.Empty(commands[1].ShownOutput);
        Assert.Empty(commands[2].ShownOutput);
    }
}
