using Distill.Data;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Data;

public sealed class DataSourceTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static LoadedData Load(string path, DataFormat? format = null, int? size = null, int? channels = null, string label = "label") =>
        DataSources.Load(new DataRequest { Path = path, Format = format, ImageSize = size, Channels = channels, LabelColumn = label });

    [Fact]
    public void Cifar10_batches_are_read_with_their_labels_pixels_and_class_names()
    {
        var folder = _folder.File("cifar10");
        SyntheticCifar.WriteCifar10(folder, perBatch: 20, batches: 3, testCount: 10);

        using var data = Load(folder);

        Assert.Equal(DataFormat.Cifar, data.Info.Format);
        Assert.Equal("cifar-10", data.Info.Name);
        Assert.Equal(60, data.Train.Count);
        Assert.Equal(10, data.Test.Count);
        Assert.Equal([3L, 32, 32], data.Train.SampleShape);
        Assert.Equal("airplane", data.Info.ClassNames[0]);
        Assert.Equal("truck", data.Info.ClassNames[9]);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)(i % 10)), data.Train.Labels[..20].data<long>().ToArray());
        // Record 0 is class 0: quadrant 0 of the red plane is lit, so after standardising it is above the red mean.
        Assert.True(data.Train.Features[0, 0, 0, 0].item<float>() > 0);
        Assert.True(data.Train.Features[0, 0, 31, 31].item<float>() < 0);
    }

    [Fact]
    public void Cifar100_uses_the_fine_label_of_each_record()
    {
        var folder = _folder.File("cifar100");
        SyntheticCifar.WriteCifar100(folder, trainCount: 200, testCount: 100);

        using var data = Load(folder);

        Assert.Equal("cifar-100", data.Info.Name);
        Assert.Equal(100, data.Info.ClassCount);
        Assert.Equal(57L, data.Train.Labels[57].item<long>());
        Assert.Equal(200, data.Train.Count);
    }

    [Fact]
    public void Image_folder_with_train_val_test_keeps_its_parts_and_names_classes_after_folders()
    {
        var folder = _folder.File("pictures");
        SyntheticImages.WriteSplit(folder, trainPerClass: 6, testPerClass: 3);

        using var data = Load(folder, size: 12, channels: 1);

        Assert.Equal(DataFormat.Images, data.Info.Format);
        Assert.Equal(SyntheticImages.ClassNames, data.Info.ClassNames);
        Assert.Equal([1L, 12, 12], data.Train.SampleShape);
        Assert.Equal(24, data.Train.Count);
        Assert.Equal(12, data.Validation!.Count);
        Assert.Equal(12, data.Test.Count);
    }

    [Fact]
    public void Colour_images_give_three_channels_and_can_be_read_as_grayscale()
    {
        var folder = _folder.File("colour");
        SyntheticImages.WriteFlat(folder, perClass: 10, colour: true);

        using (var colour = Load(folder, size: 8)) Assert.Equal([3L, 8, 8], colour.Train.SampleShape);
        using var grey = Load(folder, size: 8, channels: 1);
        Assert.Equal([1L, 8, 8], grey.Train.SampleShape);
    }

    [Fact]
    public void Images_of_other_sizes_are_resized_to_the_first_one_by_default()
    {
        var folder = _folder.File("sizes");
        SyntheticImages.WriteFlat(folder, perClass: 10, formats: ["png"]);

        using var data = Load(folder);

        // Grayscale PNGs give one channel (stb's JPEG and BMP writers store three). The first file of the first class is 16x16; the 20x20 ones are resized to it.
        Assert.Equal([1L, 16, 16], data.Train.SampleShape);
        Assert.Equal(40, data.Train.Count + data.Validation!.Count + data.Test.Count);
    }

    [Fact]
    public void Png_jpeg_and_bmp_decode_to_the_same_picture()
    {
        var random = new Random(1);
        var pixels = SyntheticImages.Picture(2, 16, colour: false, random);
        foreach (var format in new[] { "png", "jpg", "bmp" })
            SyntheticImages.Write(_folder.File("one." + format), pixels, 16, colour: false, format);

        var png = Distill.Data.Sources.ImageFile.Decode(_folder.File("one.png"), 1).Pixels;
        Assert.Equal(pixels, png);
        Assert.Equal(pixels, Distill.Data.Sources.ImageFile.Decode(_folder.File("one.bmp"), 1).Pixels);
        var jpeg = Distill.Data.Sources.ImageFile.Decode(_folder.File("one.jpg"), 1).Pixels;
        Assert.True(pixels.Zip(jpeg).Average(p => Math.Abs(p.First - p.Second)) < 8, "JPEG is lossy, but not that lossy");
    }

    [Fact]
    public void Csv_table_uses_the_label_column_by_name_and_standardises_features_with_training_statistics()
    {
        var path = _folder.File("flowers.csv");
        SyntheticTable.Write(path, rows: 300);

        using var data = Load(path, label: "species");

        Assert.Equal(DataFormat.Csv, data.Info.Format);
        Assert.Equal(["setosa", "versicolor", "virginica"], data.Info.ClassNames);
        Assert.Equal(["width", "height", "depth", "noise"], data.Info.Columns);
        Assert.Equal([4L], data.Train.SampleShape);
        Assert.Equal(300, data.Train.Count + data.Validation!.Count + data.Test.Count);
        using var mean = data.Train.Features.mean([0]);
        using var std = data.Train.Features.std(0, unbiased: false);
        Assert.All(mean.data<float>().ToArray(), m => Assert.True(Math.Abs(m) < 1e-4, $"mean {m}"));
        Assert.All(std.data<float>().ToArray(), s => Assert.True(Math.Abs(s - 1) < 1e-3, $"std {s}"));
    }

    [Fact]
    public void Each_format_is_detected_from_the_contents()
    {
        SyntheticIdx.WriteDataset(_folder.File("idx"), 20, 10);
        SyntheticCifar.WriteCifar10(_folder.File("cifar"), perBatch: 10, batches: 1, testCount: 10);
        SyntheticCifar.WriteCifar100(_folder.File("cifar100"), 10, 10);
        SyntheticImages.WriteFlat(_folder.File("images"), perClass: 2);
        SyntheticTable.Write(_folder.File("table.csv"), rows: 9);

        Assert.Equal(DataFormat.Idx, DataSources.Detect(_folder.File("idx")));
        Assert.Equal(DataFormat.Cifar, DataSources.Detect(_folder.File("cifar")));
        Assert.Equal(DataFormat.Cifar, DataSources.Detect(_folder.File("cifar100")));
        Assert.Equal(DataFormat.Images, DataSources.Detect(_folder.File("images")));
        Assert.Equal(DataFormat.Csv, DataSources.Detect(_folder.File("table.csv")));
    }

    [Fact]
    public void A_known_idx_set_keeps_its_fixed_statistics_and_class_names()
    {
        SyntheticIdx.WriteDataset(_folder.File("idx"), 20, 10);

        using var data = DataSources.Load(new DataRequest { Path = _folder.File("idx"), Dataset = "fashion-mnist" });

        Assert.Equal(DatasetInfo.FashionMnist.PixelMean, data.Info.Normalization.Mean[0]);
        Assert.Equal("Ankle boot", data.Info.ClassNames[9]);
        Assert.Null(data.Validation);
    }

    [Fact]
    public void An_idx_folder_can_be_resized_and_given_three_channels()
    {
        SyntheticIdx.WriteDataset(_folder.File("idx"), 20, 10, side: 12);

        using var data = DataSources.Load(new DataRequest { Path = _folder.File("idx"), ImageSize = 16, Channels = 3 });

        Assert.Equal([3L, 16, 16], data.Train.SampleShape);
        Assert.Equal(3, data.Info.Normalization.Mean.Length);
    }
}
