using System.Text;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// Runs every distill command of the README and docs/, in page order, as the real executable in one
/// scratch folder, on small stand-in data at the paths the pages name (~/xray, letters.csv,
/// bench/data/fashion-png, ...), so an example whose command no longer works fails here. What is
/// changed, and only that: a data set the command would fetch (<c>--dataset NAME</c>, or none given)
/// is read from a small IDX folder of that name, a training command that gives no epochs trains one
/// (the pages' budgets are minutes on real data), and the runs the pages start from (a teacher in
/// <c>t/</c> and <c>runs/big/</c>, the example sweep in <c>runs/sweep/</c>, a program's own-module run
/// in <c>runs/mine/</c>) are made first; paths under /shared/ are the sandbox's <c>shared/</c>. A command shown with its output must print that output.
/// </summary>
public sealed class DocumentedCommandsRunTests
{
    // Each command trains on a few hundred rows in seconds; the margin is for a machine busy with other tests.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static readonly HashSet<string> TrainingCommands = ["compare", "train", "distill", "quickstart"];

    [Fact]
    public void Every_documented_command_runs_on_stand_in_data()
    {
        using var sandbox = new TemporaryFolder();
        var root = sandbox.Path;
        var environment = StandIns(root);
        var failures = new StringBuilder();
        var commands = DocumentedCommands.All();

        foreach (var command in commands)
        {
            var args = Arguments(command, root);
            var (code, errors) = CliProcess.RunIn(root, environment, Limit, args);
            if (command.ShownOutput.Count > 0)
            {
                var printed = errors.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                foreach (var line in command.ShownOutput.Where(l => !printed.Contains(l)))
                    failures.AppendLine($"{command.Page}: '{command.Text}' did not print the line the page shows: {line} (it printed: {errors.Trim()})");
                if (code == 0 && command.ShownOutput.Any(l => l.StartsWith("error:", StringComparison.Ordinal)))
                    failures.AppendLine($"{command.Page}: '{command.Text}' exited 0 where the page shows an error.");
            }
            else if (code != 0)
                failures.AppendLine($"{command.Page}: '{command.Text}' exited {code}: {LastLine(errors)}");
        }

        Assert.True(commands.Count >= 20, $"only {commands.Count} documented commands were found");
        Assert.True(failures.Length == 0, failures.ToString());
    }

    /// <summary>The command's words after "distill", its data redirected to a stand-in where it would fetch one, ~ expanded.</summary>
    private static string[] Arguments(DocumentedCommands.Command command, string root)
    {
        var words = DocumentedCommands.Words(command.Text).Skip(1)
            .Select(w => w.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(root, "home", w[2..])
                : w.StartsWith("/shared/", StringComparison.Ordinal) ? Path.Combine(root, "shared", w["/shared/".Length..]) : w).ToList();
        var verb = words[0];
        var hasData = words.Contains("--data") || words.Contains("--data-dir");
        var dataset = words.IndexOf("--dataset") is var i and >= 0 ? words[i + 1] : "mnist";
        if (TrainingCommands.Contains(verb) && !hasData) words.AddRange(["--data", Path.Combine(root, "data", dataset)]);
        // The budget, not the command: one or two epochs show that every flag works.
        // (Three teacher epochs leave room for --early-stop-epochs 2.)
        (string Flag, string Epochs)[] budgets = verb is "train" or "distill" ? [("--epochs", "1")]
            : TrainingCommands.Contains(verb) ? [("--teacher-epochs", "3"), ("--student-epochs", "1")] : [];
        foreach (var (flag, epochs) in budgets)
            if (!words.Contains(flag)) words.AddRange([flag, epochs]);
        if (verb == "run" && command.ShownOutput.Count == 0 && words[1].StartsWith("examples/", StringComparison.Ordinal))
            words.AddRange(["--set", $"data={Path.Combine(root, "data", "mnist")}"]);
        return [.. words];
    }

    /// <summary>Writes the data and runs the pages start from; returns the environment every command runs with.</summary>
    private static Dictionary<string, string> StandIns(string root)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(root, "home"),
            ["DISTILL_DATA"] = Path.Combine(root, "cache"),
            ["COLUMNS"] = "120",
            // docs/scale.md's `--shard auto` as the one task of a Slurm array.
            ["SLURM_ARRAY_TASK_ID"] = "0",
            ["SLURM_ARRAY_TASK_COUNT"] = "1",
        };
        SyntheticIdx.WriteDataset(Path.Combine(root, "data", "mnist"), trainCount: 300, testCount: 100, side: 28);
        SyntheticIdx.WriteDataset(Path.Combine(root, "data", "fashion-mnist"), trainCount: 300, testCount: 100, side: 28, seed: 11);
        SyntheticImages.WriteFlat(Path.Combine(root, "home", "xray"), perClass: 12);
        SyntheticImages.WriteSplit(Path.Combine(root, "bench", "data", "fashion-png"), trainPerClass: 12, testPerClass: 4, colour: true);
        SyntheticTable.Write(Path.Combine(root, "letters.csv"), labelColumn: "letter");
        WithoutHeader(Path.Combine(root, "letter.csv"), labelFirst: false);
        WithoutHeader(Path.Combine(root, "iris.csv"), labelFirst: true);
        CopyFolder(Path.Combine(DocumentedCommands.RepositoryRoot(), "examples"), Path.Combine(root, "examples"));
        // docs/scale.md and docs/transfer-sets.md name MNIST where the cache and the current folder keep it.
        CopyFolder(Path.Combine(root, "data", "mnist"), Path.Combine(root, "home", ".cache", "distill", "data", "mnist"));
        CopyFolder(Path.Combine(root, "data", "mnist"), Path.Combine(root, "mnist"));
        SyntheticIdx.WriteDataset(Path.Combine(root, "mnist-2k"), trainCount: 300, testCount: 100, side: 28, seed: 5);
        // docs/transfer-sets.md: photos in class folders, and more of them in one folder without labels.
        SyntheticImages.WriteFlat(Path.Combine(root, "photos"), perClass: 12);
        Directory.CreateDirectory(Path.Combine(root, "unsorted-photos"));
        foreach (var file in Directory.GetFiles(Path.Combine(root, "photos"), "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(root, "unsorted-photos", Path.GetFileName(Path.GetDirectoryName(file)!) + "-" + Path.GetFileName(file)));
        // docs/pretrained-weights.md: an x-ray-like folder and a digits folder in colour, and torchvision
        // state_dicts (random weights, saved as torch.save saves them) standing in for ImageNet's and a user's.
        SyntheticImages.WriteFlat(Path.Combine(root, "xray"), perClass: 8, colour: true);
        SyntheticImages.WriteSplit(Path.Combine(root, "digits"), trainPerClass: 8, testPerClass: 4, colour: true);
        // examples/case-study-resnet18.json names the 5-class state_dict that bench/case-study.sh trains in PyTorch.
        Directory.CreateDirectory(Path.Combine(root, ".data", "case-study"));
        foreach (var (classes, file) in new[] { (1000, "resnet18-imagenet.pth"), (SyntheticImages.ClassNames.Length, "resnet18-digits.pth"), (5, ".data/case-study/resnet18-fashion-0to4.pth") })
        {
            using var model = Distill.Models.ModelBuilder.Build(Distill.Models.ModelSpec.Parse("torchvision:resnet18"), [3, 64, 64], classes);
            Models.Weights.WeightsFiles.Pickled(model, Path.Combine(root, file));
        }
        foreach (var (folder, dataset) in new[] { ("t", "mnist"), ("runs/big", "fashion-mnist") })
        {
            var (code, errors) = CliProcess.RunIn(root, environment, Limit, "compare", "--data", Path.Combine(root, "data", dataset), "--dataset", dataset,
                "--teacher-spec", "cnn:c8-relu-mp2-c16-relu-mp2-fc32-relu", "--teacher-epochs", "2", "--student-epochs", "1", "-o", folder);
            Assert.True(code == 0, $"the stand-in teacher run {folder} failed: {errors}");
        }
        // docs/transfer-sets.md's teachers, one per data set.
        foreach (var (folder, data, spec) in new[] { ("runs/big-teacher", "mnist", "mlp:64"), ("runs/photo-teacher", "photos", "cnn:c8-relu-mp2-fc32-relu") })
        {
            var (code, errors) = CliProcess.RunIn(root, environment, Limit, "train", "--data", Path.Combine(root, data), "-m", spec, "--epochs", "1", "-o", folder);
            Assert.True(code == 0, $"the stand-in teacher {folder} failed: {errors}");
        }
        // docs/library.md reads the run of a program with modules of its own (examples/own-modules) through its assembly.
        var own = CliProcess.RunProgramIn("OwnModules.dll", root, environment, Limit, "--data", "mnist-2k", "--out", "runs/mine", "--epochs", "1");
        Assert.True(own.Code == 0, $"the stand-in program run failed: {own.Errors}");
        Directory.CreateDirectory(Path.Combine(root, "bin", "Release", "net10.0"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "OwnModules.dll"), Path.Combine(root, "bin", "Release", "net10.0", "MyApp.dll"));
        // experiments.md re-runs the best point of the example sweep from its folder.
        var sweep = CliProcess.RunIn(root, environment, Limit, "run", "examples/sweep-temperature-weight.json", "--out", "runs/sweep",
            "--set", $"data={Path.Combine(root, "data", "mnist")}");
        Assert.True(sweep.Code == 0, $"the stand-in sweep failed: {sweep.Errors}");
        return environment;
    }

    /// <summary>A headerless copy of the synthetic table, its class column first or last.</summary>
    private static void WithoutHeader(string path, bool labelFirst)
    {
        var source = path + ".with-header";
        SyntheticTable.Write(source);
        var rows = File.ReadAllLines(source).Skip(1).Select(l => l.Split(',')).Select(c =>
        {
            var features = c.Where((_, i) => i != 1);
            return string.Join(',', labelFirst ? features.Prepend(c[1]) : features.Append(c[1]));
        });
        File.WriteAllLines(path, rows);
        File.Delete(source);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    private static string LastLine(string text) => text.Trim().Split('\n')[^1];
}
