using Distill.Cli;
using Distill.Cli.Rendering;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// Piped output fits COLUMNS (or 80) unless --wide; help has one layout for every command and
/// fits the width too.
/// </summary>
public sealed class PipedWidthTests(TinyComparison run) : IClassFixture<TinyComparison>
{
    private static readonly int Piped = CliContext.PipedWidth(Environment.GetEnvironmentVariable("COLUMNS"));

    [Theory]
    [InlineData(null, 80)]
    [InlineData("", 80)]
    [InlineData("132", 132)]
    [InlineData("wide", 80)]
    [InlineData("12", 80)]
    [InlineData("-100", 80)]
    public void A_pipe_is_as_wide_as_COLUMNS_says_or_80(string? columns, int expected)
    {
        Assert.Equal(expected, CliContext.PipedWidth(columns));
    }

    [Fact]
    public void Output_that_is_not_a_terminal_fits_the_piped_width()
    {
        var context = new CliContext(new StringWriter(), new StringWriter());

        Assert.Equal(Piped, context.Width);
        Assert.Equal(Piped, context.TableWidth);
    }

    [Fact]
    public void Wide_prints_every_column_on_whole_lines()
    {
        var output = new StringWriter();
        var context = new CliContext(output, new StringWriter(), 80) { Wide = true };

        ResultView.Show(context, run.Masked(), json: false);

        var text = output.ToString();
        foreach (var header in Distill.Reports.ExperimentTables.ComparisonHeaders) Assert.Contains(header, text);
        Assert.DoesNotContain("More with --wide", text);
        Assert.Contains(text.Split('\n'), line => line.Length > 80);
    }

    [Fact]
    public void Every_commands_help_has_one_layout_and_fits_the_width()
    {
        string[][] commands =
        [
            [], ["data"], ["data", "fetch"], ["data", "inspect"], ["data", "export-images"], ["train"], ["distill"], ["eval"], ["compare"],
            ["quickstart"], ["run"], ["report"], ["export"], ["latency"], ["prune"], ["deploy"], ["methods"], ["models"],
        ];
        foreach (var command in commands)
        {
            var (code, help, errors) = InProcessCli.Run([.. command, "--help"]);

            var name = string.Join(' ', ["distill", .. command]);
            Assert.True(code == 0, errors);
            Assert.StartsWith("Description:\n", help);
            Assert.Contains($"\nUsage:\n  {name} ", help);
            Assert.Contains("  --wide ", help);
            Assert.Contains("  -h, -?, --help ", help);
            Assert.All(help.Split('\n'), line => Assert.True(line.Length <= Piped, $"{name}: {line.Length} > {Piped}: {line}"));
        }
    }
}
