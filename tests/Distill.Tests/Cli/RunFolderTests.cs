using Distill.Data;
using Distill.Models;
using Distill.Runs;
using Distill.Tests.Support;
using static TorchSharp.torch;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Cli;

/// <summary>
/// What --out and --force may do to folders: claim one atomically, replace only a run Distill made,
/// never touch the user's own files, and leave nothing behind when a run is refused before its
/// first epoch. Files made outside any run must survive every refused command.
/// </summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public RunFolderTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>A small train run; <paramref name="extra"/> are flag/value pairs replacing the defaults, or lone switches.</summary>
    private string[] Train(string run, params string[] extra)
    {
        var flags = new Dictionary<string, string> { ["-m"] = "mlp:8", ["--data-dir"] = _data, ["--validation"] = "50", ["--epochs"] = "1", ["--out"] = run };
        var switches = new List<string>();
        for (var i = 0; i < extra.Length; i++)
        {
            if (i + 1 < extra.Length && !extra[i + 1].StartsWith("--", StringComparison.Ordinal)) flags[extra[i]] = extra[++i];
            else switches.Add(extra[i]);
        }
        return ["train", .. flags.SelectMany(kv => new[] { kv.Key, kv.Value }), .. switches];
    }

    /// <summary>A small compare run; <paramref name="extra"/> are flag/value pairs replacing or adding to the defaults.</summary>
    private string[] Compare(string run, params string[] extra)
    {
        var flags = new Dictionary<string, string>
        {
            ["--data-dir"] = _data, ["--validation"] = "50", ["--out"] = run, ["--teacher-spec"] = "mlp:16", ["--student-spec"] = "mlp:8",
            ["--teacher-epochs"] = "1", ["--student-epochs"] = "1",
        };
        for (var i = 0; i + 1 < extra.Length; i += 2) flags[extra[i]] = extra[i + 1];
        return ["compare", .. flags.SelectMany(kv => new[] { kv.Key, kv.Value })];
    }

    private static string Keep(string folder, string name = "keep.txt")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "the user's own work");
        return path;
    }

    private IEnumerable<string> MovedAside() => Directory.EnumerateDirectories(_folder.Path, "*.replaced-*");

    [Fact]
    public void Force_refuses_a_folder_Distill_did_not_create_and_its_files_survive()
    {
        var precious = _folder.File("precious");
        var notes = Keep(precious, "notes.txt");
        var nested = Keep(Path.Combine(precious, "sub"), "data.csv");

        AssertOneSentence(InProcessCli.Run(Train(precious, "--force")), "Distill did not create it");

        Assert.True(File.Exists(notes));
        Assert.True(File.Exists(nested));
    }

    [Fact]
    public void Force_refuses_a_Distill_run_holding_a_file_Distill_did_not_write()
    {
        var run = _folder.File("run");
        Assert.Equal(0, InProcessCli.Run(Train(run)).Code);
        var notes = Keep(run, "notes.txt");

        AssertOneSentence(InProcessCli.Run(Train(run, "--force")), "it holds 'notes.txt', which Distill did not write");

        Assert.True(File.Exists(notes));
        Assert.True(File.Exists(Path.Combine(run, "results.json")));
    }

    [Fact]
    public void Force_never_replaces_the_working_folder_its_parent_or_the_home_folder()
    {
        var parent = _folder.File("tree");
        var working = Path.Combine(parent, "work");
        var home = _folder.File("home");
        var kept = new[] { Keep(parent), Keep(working), Keep(home) };
        // Even a folder that carries Distill's marker is refused when it is one of these.
        foreach (var folder in new[] { parent, working, home }) File.WriteAllText(Path.Combine(folder, RunFolder.MarkerFile), "");
        var environment = new Dictionary<string, string> { ["HOME"] = home };

        foreach (var target in new[] { ".", "..", home })
        {
            var (code, errors) = CliProcess.RunIn(working, environment, Train(target, "--force"));
            Assert.True(code == 1, errors);
            Assert.Contains("--force will not replace", errors);
            Assert.All(kept, file => Assert.True(File.Exists(file), $"{file} was deleted by --out {target} --force"));
        }
    }

    [Fact]
    public void Force_replaces_an_earlier_run_and_leaves_no_copy_behind()
    {
        var run = _folder.File("run");
        Assert.Equal(0, InProcessCli.Run(Train(run)).Code);

        var (code, _, errors) = InProcessCli.Run(Train(run, "--force", "--epochs", "2"));

        Assert.True(code == 0, errors);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.Empty(MovedAside());
    }

    [Fact]
    public void A_force_run_that_fails_before_its_first_epoch_puts_the_earlier_run_back()
    {
        var run = _folder.File("run");
        Assert.Equal(0, InProcessCli.Run(Train(run)).Code);
        var results = File.ReadAllText(Path.Combine(run, "results.json"));

        // The jitter is checked against the images once they are loaded: after the old run was moved aside.
        AssertOneSentence(InProcessCli.Run(Train(run, "--force", "--jitter", "1000")), "jitter of 1000 pixels");

        Assert.Equal(results, File.ReadAllText(Path.Combine(run, "results.json")));
        Assert.Empty(MovedAside());
    }

    [Fact]
    public void Runs_started_at_the_same_instant_on_one_folder_leave_exactly_one_running()
    {
        var run = _folder.File("run");
        var args = Train(run);
        using var start = new Barrier(4);

        var outcomes = new (int Code, string Output, string Errors)[4];
        var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            outcomes[i] = InProcessCli.Run(args);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Single(outcomes, o => o.Code == 0);
        Assert.All(outcomes.Where(o => o.Code != 0), o => AssertOneSentence(o, "Run folder"));
    }

    [Fact]
    public async Task Two_processes_started_at_once_on_one_folder_cannot_both_claim_it()
    {
        var run = _folder.File("run");
        var args = Train(run, "--epochs", "3");

        var runs = new[] { Task.Run(() => CliProcess.Run(args)), Task.Run(() => CliProcess.Run(args)) };
        var results = await Task.WhenAll(runs);

        Assert.Single(results, r => r.Code == 0);
        var refused = Assert.Single(results, r => r.Code == 1);
        Assert.StartsWith("error: Run folder", refused.Errors.Trim().Split('\n')[^1]);
        Assert.DoesNotContain("   at ", refused.Errors);
    }

    [Fact]
    public void An_empty_out_is_refused_in_one_sentence()
    {
        AssertOneSentence(InProcessCli.Run(Train("")), "run folder name is empty");
    }

    [Fact]
    public void A_compare_refused_for_its_validation_split_leaves_no_folder_and_the_retry_runs()
    {
        var run = _folder.File("run");

        AssertOneSentence(InProcessCli.Run(Compare(run, "--validation", "100000")), "validation split must hold");
        Assert.False(Directory.Exists(run));

        var (code, _, errors) = InProcessCli.Run(Compare(run));
        Assert.True(code == 0, errors);
    }

    [Fact]
    public void A_compare_refused_for_its_teacher_leaves_no_folder_and_the_retry_runs()
    {
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), [1, 12, 12], 5);
        var teacher = _folder.File("teacher.bin");
        ModelStore.Save(model, new ModelCard("mlp:16", [1, 12, 12], 5, ModelBuilder.CountParameters(model), "mnist", "teacher"), teacher);
        var run = _folder.File("run");

        AssertOneSentence(InProcessCli.Run(Compare(run, "--teacher", teacher)), "predicts 5 classes");
        Assert.False(Directory.Exists(run));

        var (code, _, errors) = InProcessCli.Run(Compare(run));
        Assert.True(code == 0, errors);
    }

    [Fact]
    public void A_compare_refused_for_bad_data_leaves_no_folder_and_the_retry_runs()
    {
        var broken = _folder.File("broken");
        SyntheticIdx.WriteDataset(broken, trainCount: 300, testCount: 100);
        var images = Path.Combine(broken, DatasetInfo.TrainImages);
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..1000]);
        var run = _folder.File("run");

        var refused = InProcessCli.Run(Compare(run, "--data-dir", broken));
        Assert.Equal(1, refused.Code);
        Assert.False(Directory.Exists(run));

        var (code, _, errors) = InProcessCli.Run(Compare(run));
        Assert.True(code == 0, errors);
    }

    [Fact]
    public void An_experiment_refused_for_its_validation_split_leaves_no_folder()
    {
        var file = _folder.File("experiment.json");
        File.WriteAllText(file, $$"""{ "dataDirectory": {{System.Text.Json.JsonSerializer.Serialize(_data)}}, "validationCount": 100000 }""");
        var run = _folder.File("run");

        AssertOneSentence(InProcessCli.Run("run", file, "--out", run), "validation split must hold");

        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_folder_holding_only_the_marker_of_a_run_killed_before_its_first_epoch_is_reused_without_force()
    {
        var run = _folder.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, RunFolder.MarkerFile), "");
        File.WriteAllText(Path.Combine(run, "command-line.json"), "{}");

        var (code, _, errors) = InProcessCli.Run(Train(run));

        Assert.True(code == 0, errors);
        Assert.True(File.Exists(Path.Combine(run, "results.json")));
    }
}
