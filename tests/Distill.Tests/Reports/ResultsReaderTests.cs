using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Runs;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reports;

/// <summary>
/// Run folders written before runs had one result model keep a flat list of "models" in
/// results.json: `distill report` reads them into the one result and draws the report it draws
/// for today's results.json, and checks their fields as strictly.
/// </summary>
public sealed class ResultsReaderTests(TinyComparison run) : IClassFixture<TinyComparison>, IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A copy of the fixture's run whose results.json has the older shape: teacher, scratch and distilled in one list.</summary>
    private string OlderRun()
    {
        var copy = _folder.File("older");
        foreach (var file in Directory.EnumerateFiles(run.RunFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(run.RunFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var results = Path.Combine(copy, ExperimentResult.ResultsFileName);
        var stored = Json.Read<ExperimentResult>(results, "results");
        var point = stored.Runs.Single();
        File.WriteAllText(results, Json.Serialize(new
        {
            stored.RunDirectory, stored.Dataset, stored.TestCount, Models = new[] { stored.Teacher!, point.Scratch, point.Distilled },
            stored.Finished, stored.ClassNames, stored.ValidationCount,
        }));
        return copy;
    }

    [Fact]
    public void An_older_results_json_rebuilds_the_report_todays_results_json_gives()
    {
        var older = OlderRun();
        Assert.Equal(0, InProcessCli.Run("report", older).Code);
        var fromOlder = File.ReadAllText(Path.Combine(older, "summary.md"));
        File.Copy(Path.Combine(run.RunFolder, ExperimentResult.ResultsFileName), Path.Combine(older, ExperimentResult.ResultsFileName), overwrite: true);

        var (code, _, errors) = InProcessCli.Run("report", older);

        Assert.True(code == 0, errors);
        Assert.Equal(File.ReadAllText(Path.Combine(older, "summary.md")), fromOlder);
        Assert.Contains("| Student (distilled) | mlp:8 |", fromOlder);
    }

    [Fact]
    public void A_hand_edited_older_results_json_is_refused_naming_the_field()
    {
        var older = OlderRun();
        var results = Path.Combine(older, ExperimentResult.ResultsFileName);
        var edited = JsonNode.Parse(File.ReadAllText(results))!;
        edited["models"]![2]!["testAccuracy"] = 1e308;
        File.WriteAllText(results, edited.ToJsonString());

        var (code, _, errors) = InProcessCli.Run("report", older);

        AssertOneSentence(code, errors, "models[2].testAccuracy = 1E+308; an accuracy lies between 0 and 1");
    }
}
