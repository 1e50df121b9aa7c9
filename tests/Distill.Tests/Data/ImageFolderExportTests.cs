using Distill.Data;
using Distill.Data.Sources;
using Distill.Tests.Support;

namespace Distill.Tests.Data;

public sealed class ImageFolderExportTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void An_idx_set_written_as_png_folders_keeps_every_pixel_and_label()
    {
        var idx = _folder.File("idx");
        SyntheticIdx.WriteDataset(idx, trainCount: 200, testCount: 20, seed: 7);
        // The generator's own bytes, drawn again with its seed: train first, then test.
        var random = new Random(7);
        var (trainPixels, trainLabels) = SyntheticIdx.Generate(200, 12, 10, random);
        var out_ = _folder.File("png");

        using (var data = DataSources.Load(new DataRequest { Path = idx }))
            Assert.Equal(120, ImageFolderExport.Write(data, out_, limit: 100));

        Assert.Equal(100, Directory.GetFiles(Path.Combine(out_, "train"), "*.png", SearchOption.AllDirectories).Length);
        Assert.Equal(20, Directory.GetFiles(Path.Combine(out_, "test"), "*.png", SearchOption.AllDirectories).Length);
        foreach (var row in new[] { 0, 7, 99 })
        {
            var file = Path.Combine(out_, "train", trainLabels[row].ToString(), $"{row:D6}.png");
            Assert.True(File.Exists(file), $"{file} is missing");
            var (pixels, width, height) = ImageFile.Decode(file, 1);
            Assert.Equal((12, 12), (width, height));
            Assert.Equal(trainPixels.AsSpan(row * 144, 144).ToArray(), pixels);
        }
        using var reread = DataSources.Load(new DataRequest { Path = out_ });
        Assert.Equal(DataFormat.Images, reread.Info.Format);
        Assert.Equal(20, reread.Test.Count);
    }

    [Fact]
    public void Writing_into_a_folder_that_holds_files_or_from_a_table_is_refused_in_one_sentence()
    {
        var idx = _folder.File("idx");
        SyntheticIdx.WriteDataset(idx, trainCount: 20, testCount: 10);
        var taken = _folder.File("taken");
        Directory.CreateDirectory(taken);
        File.WriteAllText(Path.Combine(taken, "notes.txt"), "mine");
        using var data = DataSources.Load(new DataRequest { Path = idx });

        var error = Assert.Throws<DistillException>(() => ImageFolderExport.Write(data, taken));

        Assert.Contains("already exists and is not empty", error.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(taken, "notes.txt")));
        Assert.Contains("must be positive", Assert.Throws<DistillException>(() => ImageFolderExport.Write(data, _folder.File("new"), limit: 0)).Message);
    }

    [Fact]
    public void The_cli_exports_and_names_the_files_it_wrote()
    {
        var idx = _folder.File("idx");
        SyntheticIdx.WriteDataset(idx, trainCount: 20, testCount: 10);

        var (code, output, errors) = InProcessCli.Run("data", "export-images", _folder.File("cli"), "--data", idx, "--limit", "5");

        Assert.True(code == 0, errors);
        Assert.Contains("10 images written", output);
    }
}
