using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// The validation split fits the data (issue 23): by default 10 % of the training rows, at most
/// 5,000; a number that does not fit is refused naming --validation; the summary states the rows
/// the split actually held, whether carved from training or brought by the data.
/// </summary>
public sealed class DataDefaultsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_1000_row_set_trains_with_the_default_split_of_100_rows_and_the_summary_says_100()
    {
        var data = _folder.File("idx");
        SyntheticIdx.WriteDataset(data, trainCount: 1000, testCount: 100);
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run("train", "-m", "mlp:8", "--data-dir", data, "--epochs", "1", "--out", run);

        Assert.True(code == 0, errors);
        Assert.Contains("validation split: 100 training rows", File.ReadAllText(Path.Combine(run, "summary.md")));
    }

    [Fact]
    public void A_validation_split_larger_than_the_training_set_is_refused_naming_the_option()
    {
        var data = _folder.File("idx");
        SyntheticIdx.WriteDataset(data, trainCount: 1000, testCount: 100);
        var run = _folder.File("run");

        AssertOneSentence(InProcessCli.Run("train", "-m", "mlp:8", "--data-dir", data, "--validation", "5000", "--epochs", "1", "--out", run),
            "--validation", "1,000 training rows");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void An_image_folder_summary_states_the_rows_its_own_split_held_not_the_option()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteFlat(images, perClass: 30);
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run("train", "-m", "mlp:8", "--data", images, "--epochs", "1", "--out", run, "--validation", "50");

        Assert.True(code == 0, errors);
        var summary = File.ReadAllText(Path.Combine(run, "summary.md"));
        Assert.DoesNotContain("validation split: 50 training rows", summary);
        Assert.Matches(@"validation split: 1\d training rows", summary);
    }
}
