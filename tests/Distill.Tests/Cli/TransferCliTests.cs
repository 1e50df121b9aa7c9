using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>--transfer and --labeled-fraction from the command line: a study that uses them, and every bad input refused in one sentence with no folder left.</summary>
public sealed class TransferCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _idx;

    public TransferCliTests()
    {
        _idx = _folder.File("idx");
        SyntheticIdx.WriteDataset(_idx, trainCount: 300, testCount: 60);
    }

    public void Dispose() => _folder.Dispose();

    private static string[] Compare(string data, string run, params string[] extra) =>
    [
        "compare", "--data", data, "--dataset", "synthetic", "--out", run, "--teacher-spec", "mlp:16", "--student-spec", "mlp:8",
        "--teacher-epochs", "1", "--student-epochs", "1", "--validation", "20", .. extra,
    ];

    [Fact]
    public void A_study_with_a_tenth_of_the_labels_and_a_transfer_set_records_both_and_trains()
    {
        var more = _folder.File("more");
        SyntheticIdx.WriteDataset(more, trainCount: 100, testCount: 20, seed: 9);
        var run = _folder.File("run");

        var (code, output, errors) = InProcessCli.Run(Compare(_idx, run, "--labeled-fraction", "0.1", "--transfer", more, "--method", "dkd"));

        Assert.True(code == 0, errors);
        Assert.Contains("distilled", output);
        var config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"labeledFraction\": 0.1", config);
        Assert.Contains("\"transfer\"", config);
    }

    [Fact]
    public void An_empty_transfer_folder_is_refused_and_leaves_no_folder()
    {
        var empty = _folder.File("empty");
        Directory.CreateDirectory(empty);
        var run = _folder.File("run");

        Refusal.AssertOneSentence(InProcessCli.Run(Compare(_idx, run, "--transfer", empty)), "transfer folder", "holds no images");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_transfer_set_of_another_image_size_is_refused_naming_both_sizes()
    {
        var small = _folder.File("small");
        SyntheticIdx.WriteDataset(small, trainCount: 40, testCount: 10, side: 10);
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run(Compare(_idx, run, "--transfer", small));

        Refusal.AssertOneLongSentence(code, errors, "1x10x10", "1x12x12", "--image-size");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_grey_transfer_folder_for_colour_training_images_is_refused_naming_the_channels()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteSplit(images, trainPerClass: 6, testPerClass: 2, colour: true);
        var grey = _folder.File("grey");
        Directory.CreateDirectory(grey);
        for (var i = 0; i < 4; i++) SyntheticImages.Write(Path.Combine(grey, $"{i}.png"), SyntheticImages.Picture(i % 4, 12, false, new Random(i)), 12, false, "png");
        var run = _folder.File("run");
        string[] args = ["compare", "--data", images, "--image-size", "12", "--out", run, "--teacher-spec", "mlp:8", "--student-spec", "mlp:4",
            "--teacher-epochs", "1", "--student-epochs", "1", "--transfer", grey];

        var (code, _, errors) = InProcessCli.Run(args);

        Refusal.AssertOneLongSentence(code, errors, "1x12x12", "3x12x12", "--channels");
        Assert.False(Directory.Exists(run));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    public void A_labeled_fraction_outside_zero_to_one_is_refused(string fraction)
    {
        var run = _folder.File("run");

        Refusal.AssertOneSentence(InProcessCli.Run(Compare(_idx, run, "--labeled-fraction", fraction)), "--labeled-fraction", fraction);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_missing_transfer_set_is_refused_before_anything_is_written()
    {
        var run = _folder.File("run");

        Refusal.AssertOneSentence(InProcessCli.Run(Compare(_idx, run, "--transfer", _folder.File("nowhere"))), "transfer set", "does not exist");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void An_experiment_file_takes_the_transfer_set_and_the_labeled_fraction()
    {
        var file = _folder.File("experiment.json");
        File.WriteAllText(file, $$"""{ "data": "{{_idx.Replace("\\", "/")}}", "transfer": "{{_idx.Replace("\\", "/")}}", "labeledFraction": 0.25 }""");

        var experiment = Distill.Experiments.ExperimentFile.Load(file);

        Assert.Equal(0.25, experiment.Study.LabeledFraction);
        Assert.Equal(_idx, experiment.Study.Transfer);
    }
}
