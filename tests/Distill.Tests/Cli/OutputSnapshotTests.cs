using Distill.Cli;
using Distill.Cli.Rendering;
using Distill.Experiments;
using Distill.Reports;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// What a user reads, compared whole with files under Snapshots/: the comparison table at 80 and
/// 120 columns, summary.md, and the shape of results.json. A deliberate change is accepted by
/// running the tests with DISTILL_UPDATE_SNAPSHOTS=1 and reviewing the diff.
/// </summary>
public sealed class OutputSnapshotTests(TinyComparison run) : IClassFixture<TinyComparison>
{
    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void The_comparison_table_matches_its_snapshot(int width)
    {
        var output = new StringWriter();

        ResultView.Show(new CliContext(output, new StringWriter(), width), run.Masked(), json: false);

        Snapshot.Match($"comparison-{width}.txt", output.ToString());
    }

    [Fact]
    public void The_summary_matches_its_snapshot()
    {
        using var folder = new TemporaryFolder();

        ExperimentReport.Write(run.Masked(), folder.Path);

        Snapshot.Match("summary.md", File.ReadAllText(Path.Combine(folder.Path, ExperimentReport.MarkdownFile)));
    }

    [Fact]
    public void The_fields_of_results_json_match_their_snapshot()
    {
        Snapshot.Match("results-schema.txt", JsonSchemaText.Of(File.ReadAllText(Path.Combine(run.RunFolder, ExperimentResult.ResultsFileName))));
    }
}
