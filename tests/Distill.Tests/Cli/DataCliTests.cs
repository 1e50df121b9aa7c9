using System.Text.Json;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>--data with each format, end to end: the runs learn, eval finds the same test rows, inspect reports.</summary>
public sealed class DataCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Output, string Errors) Run(params string[] args) => InProcessCli.Run(args);

    private static double Accuracy(string output) =>
        JsonDocument.Parse(output).RootElement.GetProperty("teacher").GetProperty("testAccuracy").GetDouble();

    [Fact]
    public void Train_on_an_image_folder_learns_and_eval_reads_it_back_the_same_way()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteFlat(images, perClass: 40, colour: true);
        var run = _folder.File("run");

        var (code, output, errors) = Run("train", "--data", images, "--image-size", "16", "-m", "cnn:c8-relu-mp2", "--epochs", "1",
            "--batch-size", "16", "--out", run, "--json");

        Assert.True(code == 0, errors);
        Assert.True(Accuracy(output) > 0.5, $"accuracy {Accuracy(output)} is not above chance (0.25)");
        var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "teacher", "best.json"))).RootElement;
        Assert.Equal(3, card.GetProperty("normalization").GetProperty("mean").GetArrayLength());
        Assert.Equal("images", card.GetProperty("dataFormat").GetString());
        Assert.Equal("owl", card.GetProperty("classNames")[3].GetString());
        var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "results.json"))).RootElement;
        Assert.Equal("cat", results.GetProperty("classNames")[0].GetString());

        (code, var evaluated, errors) = Run("eval", Path.Combine(run, "teacher", "best.bin"), "--data", images, "--json");

        Assert.True(code == 0, errors);
        Assert.Equal(Accuracy(output), JsonDocument.Parse(evaluated).RootElement.GetProperty("accuracy").GetDouble(), 6);
    }

    [Fact]
    public void Train_on_a_csv_file_learns()
    {
        var table = _folder.File("flowers.csv");
        SyntheticTable.Write(table, rows: 300);

        var (code, output, errors) = Run("train", "--data", table, "--label-column", "species", "-m", "mlp:16", "--epochs", "3",
            "--batch-size", "16", "--out", _folder.File("run"), "--json");

        Assert.True(code == 0, errors);
        Assert.True(Accuracy(output) > 0.6, $"accuracy {Accuracy(output)} is not above chance (0.33)");
    }

    [Fact]
    public void Train_on_cifar_binaries_runs_with_the_validation_carved_from_training()
    {
        var cifar = _folder.File("cifar");
        SyntheticCifar.WriteCifar10(cifar, perBatch: 50, batches: 2, testCount: 40);

        var (code, output, errors) = Run("train", "--data", cifar, "--validation", "20", "-m", "mlp:16", "--epochs", "2",
            "--batch-size", "16", "--out", _folder.File("run"), "--json");

        Assert.True(code == 0, errors);
        Assert.True(Accuracy(output) > 0.2, $"accuracy {Accuracy(output)} is not above chance (0.1)");
    }

    [Fact]
    public void Data_inspect_prints_the_format_classes_and_counts()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteSplit(images, trainPerClass: 5, testPerClass: 2);

        var (code, output, errors) = Run("data", "inspect", images, "--image-size", "12", "--channels", "1");

        Assert.True(code == 0, errors);
        Assert.Contains("images", output);
        Assert.Contains("12x12, 1 channel", output);
        Assert.Contains("fox", output);
        Assert.Contains("Validation", output);
    }

    [Fact]
    public void Data_inspect_of_a_csv_lists_its_columns()
    {
        var table = _folder.File("t.csv");
        SyntheticTable.Write(table, rows: 30);

        var (code, output, errors) = Run("data", "inspect", table, "--label-column", "species", "--json");

        Assert.True(code == 0, errors);
        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal("csv", summary.GetProperty("format").GetString());
        Assert.Equal(4, summary.GetProperty("columns").GetArrayLength());
        Assert.Equal(10, summary.GetProperty("classes")[0].GetProperty("train").GetInt64() + summary.GetProperty("classes")[0].GetProperty("validation").GetInt64()
                         + summary.GetProperty("classes")[0].GetProperty("test").GetInt64());
    }

    [Fact]
    public void A_bad_data_path_is_one_sentence_and_leaves_no_run_folder()
    {
        var table = _folder.File("t.csv");
        File.WriteAllText(table, "label,a\nx,1\ny,zz\n");
        var run = _folder.File("run");

        var (code, _, errors) = Run("train", "--data", table, "-m", "mlp:4", "--out", run);

        Assert.Equal(1, code);
        Assert.Contains("column 'a'", errors);
        Assert.Equal(errors.Trim().Split('\n')[^1], Assert.Single(errors.Trim().Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal)));
        Assert.DoesNotContain("   at ", errors);
        Assert.False(Directory.Exists(run));
    }
}
