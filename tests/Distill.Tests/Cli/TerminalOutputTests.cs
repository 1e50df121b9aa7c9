using Distill.Cli;
using Distill.Cli.Rendering;
using Distill.Experiments;
using Distill.Reports;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// The results table and the progress line at fixed terminal widths: nothing wraps, the
/// essentials stay at 80 columns, everything shows at 160.
/// </summary>
public sealed class TerminalOutputTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private ExperimentResult TinyStudy()
    {
        var data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(data, trainCount: 300, testCount: 100);
        var run = _folder.File("run");
        var (code, _, errors) = InProcessCli.Run("compare", "--data", data, "--validation", "50", "--teacher-spec", "mlp:16",
            "--student-spec", "mlp:8", "--teacher-epochs", "1", "--student-epochs", "1", "--out", run);
        Assert.True(code == 0, errors);
        return ResultsReader.Read(run);
    }

    private static string Render(ExperimentResult result, int width)
    {
        var output = new StringWriter();
        ResultView.Show(new CliContext(output, new StringWriter(), width), result, json: false);
        return output.ToString();
    }

    [Fact]
    public void The_results_table_fits_80_120_and_160_columns_and_keeps_the_essentials()
    {
        var result = TinyStudy();

        var narrow = Render(result, 80);
        var middle = Render(result, 120);
        var wide = Render(result, 160);

        foreach (var (text, width) in new[] { (narrow, 80), (middle, 120), (wide, 160) })
        {
            Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd().Length <= width, $"{line.Length} > {width}: {line}"));
            Assert.Contains("Student (distilled)", text);
            Assert.Contains("Student (scratch)", text);
        }
        Assert.Contains("Errors", narrow);
        Assert.Contains("Accuracy", narrow);
        Assert.Contains("Params", narrow);
        Assert.DoesNotContain("Hyperparameters", narrow.Split("More with --wide")[0]);
        Assert.Contains("More with --wide or in summary.md: ", narrow);
        var errors = result.Models.Select(m => m.TestErrors.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(errors, e => Assert.Contains(e, narrow));
        foreach (var header in ExperimentTables.ComparisonHeaders.Where(h => h != "Hyperparameters"))
            Assert.Contains(header, wide);
        Assert.Contains("Training time", wide);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    [InlineData(200)]
    public void The_progress_columns_fit_the_terminal(int width)
    {
        var columns = ProgressView.Columns(width);
        var bar = columns.OfType<Spectre.Console.ProgressBarColumn>().SingleOrDefault();

        // Description, bar, percentage, labelled times, spinner and the spaces between them.
        var total = 44 + (bar?.Width ?? 0) + 4 + ElapsedColumn.Width + 1 + columns.Length - 1;
        Assert.True(total <= width, $"{total} > {width}");
        Assert.Contains(columns, c => c is ElapsedColumn);
    }

    [Fact]
    public void Time_columns_say_what_they_count_and_a_finished_bar_shows_its_total()
    {
        Assert.Equal("0:12 spent, 1:05 left", ElapsedColumn.Label(TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(65), finished: false, indeterminate: false));
        Assert.Equal("0:42 in all", ElapsedColumn.Label(TimeSpan.FromSeconds(42), TimeSpan.FromSeconds(3), finished: true, indeterminate: false));
        Assert.Equal("1:00:05 spent", ElapsedColumn.Label(TimeSpan.FromSeconds(3605), null, finished: false, indeterminate: true));
    }

    [Fact]
    public void An_interruption_says_how_to_resume_the_run()
    {
        Assert.Equal("Interrupted. Continue this run from its last whole epoch with: distill compare --resume runs/q1",
            InterruptionNotice.Message("distill compare --resume runs/q1"));
    }

    [Fact]
    public void Logs_get_a_line_for_testing_and_for_preparing_the_teachers_outputs()
    {
        var data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(data, trainCount: 300, testCount: 100);

        var (code, _, errors) = InProcessCli.Run("compare", "--data", data, "--validation", "50", "--teacher-spec", "mlp:16",
            "--student-spec", "mlp:8", "--teacher-epochs", "1", "--student-epochs", "1", "--out", _folder.File("run"));

        Assert.True(code == 0, errors);
        Assert.Contains("Preparing teacher's outputs for distilled", errors);
        Assert.Contains("Testing teacher on 100 test examples", errors);
        Assert.Contains("Testing distilled on 100 test examples", errors);
    }
}
