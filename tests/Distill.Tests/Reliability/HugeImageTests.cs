using System.Text.Json;
using Distill.Data;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// An image folder holding one enormous image (issue 23, defect 1): it is refused from its header,
/// before any decoding, in one sentence naming the file and its size, wherever it sits in the
/// folder; the default image size comes from the folder's usual size, not from its first file.
/// </summary>
public sealed class HugeImageTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Two classes of small 16x16 PNGs, with one extra file of the given size at <paramref name="hugeAt"/> (class/file).</summary>
    private string Folder(string hugeAt, int width, int height, int perClass = 6)
    {
        var root = _folder.File("images");
        var random = new Random(5);
        foreach (var (name, label) in new[] { ("a", 0), ("b", 1) })
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            for (var i = 1; i <= perClass; i++)
                SyntheticImages.Write(Path.Combine(root, name, $"{i:D3}.png"), SyntheticImages.Picture(label, 16, false, random), 16, false, "png");
        }
        HugePng.Write(Path.Combine(root, hugeAt), width, height);
        return root;
    }

    [Fact]
    public void Inspecting_a_folder_whose_first_image_is_20000_by_20000_is_refused_from_its_header()
    {
        var root = Folder("a/000.png", 20000, 20000);

        AssertOneSentence(InProcessCli.Run("data", "inspect", root), "000.png", "20000x20000", "--max-image-pixels");
    }

    [Theory]
    [InlineData("mlp:8")]
    [InlineData("mlp:8", "--stream")]
    [InlineData("cnn:c4-relu-mp2-fc8")]
    public void Training_on_a_folder_whose_first_image_is_huge_is_refused_and_leaves_no_run_folder(string spec, params string[] extra)
    {
        var root = Folder("a/000.png", 20000, 20000);
        var run = _folder.File("run");

        AssertOneSentence(InProcessCli.Run(["train", "-m", spec, "--data", root, "--epochs", "1", "--out", run, .. extra]), "000.png", "20000x20000");
        Assert.False(Directory.Exists(run), "the refused run left its folder behind");
    }

    [Fact]
    public void A_huge_image_in_the_middle_of_a_folder_is_refused_from_its_header_too()
    {
        var root = Folder("b/004x.png", 20000, 20000);

        AssertOneSentence(InProcessCli.Run("data", "inspect", root, "--stream"), "004x.png", "20000x20000", "--max-image-pixels");
    }

    [Fact]
    public void The_pixel_limit_is_an_option_and_the_default_size_is_the_folders_usual_size_not_the_first_files()
    {
        var root = Folder("a/000.png", 1200, 1000);

        AssertOneSentence(InProcessCli.Run("data", "inspect", root, "--max-image-pixels", "1000000"), "000.png", "1200x1000", "--max-image-pixels");
        var (code, output, errors) = InProcessCli.Run("data", "inspect", root, "--max-image-pixels", "2000000", "--json");

        Assert.True(code == 0, errors);
        using var summary = JsonDocument.Parse(output);
        Assert.Equal([1, 16, 16], summary.RootElement.GetProperty("sampleShape").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public void A_pixel_limit_below_one_is_refused_naming_the_option()
    {
        var root = Folder("a/000.png", 16, 16);

        AssertOneSentence(InProcessCli.Run("data", "inspect", root, "--max-image-pixels", "0"), "--max-image-pixels");
    }

    [Fact]
    public void The_statistics_pass_reads_batches_that_fit_its_memory_bound_whatever_the_image_size()
    {
        // One 1024x1024 RGB image is 12 MiB of float32: 256 of them would be 3 GiB.
        Assert.InRange(ImageMemory.RowsPerBatch(256, 3L * 1024 * 1024 * sizeof(float)), 1, 256L * 1024 * 1024 / (3L * 1024 * 1024 * sizeof(float)));
        Assert.Equal(256, ImageMemory.RowsPerBatch(256, 16 * 16 * sizeof(float)));
        Assert.Equal(1, ImageMemory.RowsPerBatch(256, 4L << 30));
    }
}
