using System.Text.Json.Nodes;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// The example program with modules of its own (examples/own-modules, referenced by this project) as a
/// user runs it: killed with SIGKILL mid-run and resumed with --resume, it ends byte-identical to an
/// uninterrupted run, as `distill compare` does (KillAndResumeTests); and its run folder is read by
/// `distill eval`, `export` and `latency` given the program's assembly, and refused without it.
/// </summary>
public sealed class UserModuleRunTests : IDisposable
{
    private const string Program = "OwnModules.dll";
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public UserModuleRunTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 50, side: 28);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Args(string run, int epochs = 2) => ["--data", _data, "--out", run, "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    private static bool IsEpochLine(string line) => line.Contains(" epoch ", StringComparison.Ordinal);

    [Fact]
    public void The_program_killed_at_several_points_and_resumed_ends_identical_to_an_uninterrupted_run()
    {
        var reference = _folder.File("reference");
        var (code, errors) = CliProcess.RunProgramIn(Program, null, null, Args(reference));
        Assert.True(code == 0, errors);

        // Epoch lines: two of the teacher, two of the scratch student, two distilled. Killed inside the
        // distilled student, and killed twice (in the teacher, then in the scratch student after resuming).
        var plans = new[] { new[] { (5, 20) }, [(1, 5), (2, 0)] };
        foreach (var plan in plans)
        {
            var run = _folder.File("killed-" + string.Join("-", plan.Select(p => p.Item1)));
            Assert.True(CliProcess.KillProgramAfter(Program, null, plan[0].Item1, IsEpochLine, TimeSpan.FromMilliseconds(plan[0].Item2), Args(run)),
                "the program finished before it could be killed");
            foreach (var (lines, delay) in plan.Skip(1))
                Assert.True(CliProcess.KillProgramAfter(Program, null, lines, l => IsEpochLine(l) && !l.Contains("from checkpoint"), TimeSpan.FromMilliseconds(delay), [.. Args(run), "--resume"]),
                    "the resumed program finished before it could be killed again");
            Assert.False(File.Exists(Path.Combine(run, "results.json")), "a killed run must not have finished");

            (code, errors) = CliProcess.RunProgramIn(Program, null, null, [.. Args(run), "--resume"]);

            Assert.True(code == 0, errors);
            foreach (var model in new[] { "teacher", "scratch", "distilled" })
            foreach (var file in new[] { "best.bin", "last.bin" })
                Assert.True(File.ReadAllBytes(Path.Combine(reference, model, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(run, model, file))),
                    $"{model}/{file} differs after a kill at {string.Join(", ", plan)}");
            Assert.Equal(MetricsLines.WithoutSeconds(reference), MetricsLines.WithoutSeconds(run));
            Assert.True(File.Exists(Path.Combine(run, "report.html")));
        }
    }

    [Fact]
    public void Eval_export_and_latency_read_the_run_with_the_programs_assembly_and_refuse_without_it()
    {
        var run = _folder.File("run");
        var (code, errors) = CliProcess.RunProgramIn(Program, null, null, Args(run, epochs: 1));
        Assert.True(code == 0, errors);
        var assembly = Path.Combine(AppContext.BaseDirectory, Program);
        var results = RunRecords.ModelNodes(run);
        var distilledErrors = results.Single(m => m!["role"]!.GetValue<string>() == "distilled")!["testErrors"]!.GetValue<long>();

        (code, errors) = CliProcess.Run("eval", run, "--data", _data);
        Refusal.AssertOneLongSentence(code, errors, "Examples.Student", "--assembly");

        (code, errors) = CliProcess.RunIn(null, null, "eval", run, "--data", _data, "--assembly", assembly, "--json");
        Assert.True(code == 0, errors);
        var (inProcess, output, _) = InProcessCli.Run("eval", run, "--data", _data, "--json");
        Assert.True(inProcess == 0, output);
        Assert.Equal(distilledErrors, JsonNode.Parse(output)!["errors"]!.GetValue<long>());

        var onnx = _folder.File("student.onnx");
        (code, errors) = CliProcess.Run("export", run, "--output", onnx, "--assembly", assembly);
        Assert.True(code == 0, errors);
        Assert.True(new FileInfo(onnx).Length > 0);

        (code, errors) = CliProcess.Run("latency", run, "--batch-sizes", "1", "--seconds", "0.05", "--assembly", assembly);
        Assert.True(code == 0, errors);
    }
}
