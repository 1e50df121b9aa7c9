using Distill.Data;
using Distill.Evaluation;
using Distill.Models;
using Distill.Reports;
using Distill.Tests.Support;
using SkiaSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Reports;

public sealed class TestGalleryTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Each_image_is_framed_green_when_predicted_right_and_red_when_wrong()
    {
        SyntheticImages.WriteSplit(_folder.File("images"), trainPerClass: 4, testPerClass: 10, colour: true);
        using var data = DataSources.Load(new DataRequest { Path = _folder.File("images"), ImageSize = 12 });
        manual_seed(1);
        // An untrained model: some predictions right, most wrong.
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:8"), data.Test.SampleShape, 4);
        var path = _folder.File("gallery.png");

        var correct = TestGallery.Write(model, data.Test, data.Info.Normalization, data.Info.ClassNames, path);

        var rows = TestGallery.Sample(data.Test.Count);
        Assert.Equal(32, rows.Length);
        using var logits = Evaluator.Logits(model, data.Test);
        var predicted = logits.argmax(1).data<long>().ToArray();
        var truth = data.Test.Labels.data<long>().ToArray();
        Assert.Equal(rows.Count(r => predicted[r] == truth[r]), correct);
        using var picture = SKBitmap.Decode(path);
        Assert.Equal(8 * 104, picture.Width);
        for (var i = 0; i < rows.Length; i++)
        {
            // The frame's left edge, halfway down the picture of cell i.
            var pixel = picture.GetPixel(i % 8 * 104 + 1, i / 8 * 142 + 50);
            var right = predicted[rows[i]] == truth[rows[i]];
            Assert.True(right ? pixel.Green > 100 && pixel.Red < 80 : pixel.Red > 150 && pixel.Green < 80, $"cell {i} framed {pixel} though {(right ? "right" : "wrong")}");
        }
    }

    [Fact]
    public void A_table_has_no_gallery()
    {
        Assert.False(TestGallery.Applies([16]));
        Assert.True(TestGallery.Applies([1, 28, 28]));
        Assert.True(TestGallery.Applies([3, 32, 32]));
    }
}
