using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>An image folder streamed from the command line, augmented, with the report's gallery.</summary>
public sealed class ImageFolderCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _images;

    public ImageFolderCliTests()
    {
        _images = _folder.File("images");
        SyntheticImages.WriteSplit(_images, trainPerClass: 30, testPerClass: 10, colour: true);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Compare(string run, params string[] extra) =>
    [
        "compare", "--data", _images, "--image-size", "12", "--out", run, "--teacher-spec", "cnn:c4-relu-mp2-fc16-relu", "--student-spec", "mlp:8",
        "--teacher-epochs", "1", "--student-epochs", "1", "--teacher-batch-size", "16", "--student-batch-size", "16", .. extra,
    ];

    [Fact]
    public void A_streamed_augmented_study_writes_the_galleries_into_its_report()
    {
        var run = _folder.File("run");

        var (code, _, errors) = InProcessCli.Run(Compare(run, "--stream", "--workers", "2", "--student-augment", "crop:1,hflip"));

        Assert.True(code == 0, errors);
        Assert.True(File.Exists(Path.Combine(run, "distilled", "gallery.png")));
        Assert.True(File.Exists(Path.Combine(run, "teacher", "gallery.png")));
        // A streamed test set is read again, by rows, for the teacher / scratch / distilled gallery.
        Assert.True(File.Exists(Path.Combine(run, "comparison-gallery.png")));
        Assert.Contains("Test images: teacher, scratch and distilled", File.ReadAllText(Path.Combine(run, "report.html")));
        Assert.Contains("(comparison-gallery.png)", File.ReadAllText(Path.Combine(run, "summary.md")));
    }

    [Fact]
    public void No_decoding_workers_is_one_sentence()
    {
        var (code, _, errors) = InProcessCli.Run(Compare(_folder.File("bad"), "--stream", "--workers", "0"));

        Assert.Equal(1, code);
        Assert.Contains("number of decoding workers must be 1 or more, not 0", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }
}
