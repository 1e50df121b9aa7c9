using Distill.Data;
using Distill.Studies;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Data;

/// <summary>Transfer sets and kept label fractions: which rows a study holds, in what shape, with which labels.</summary>
public sealed class TransferSetTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Idx(string name, int train = 200, int test = 50, int side = 12, int seed = 7)
    {
        var path = _folder.File(name);
        SyntheticIdx.WriteDataset(path, trainCount: train, testCount: test, side: side, seed: seed);
        return path;
    }

    [Fact]
    public void A_labeled_fraction_keeps_that_share_of_labels_and_turns_the_rest_into_transfer_rows()
    {
        using var data = StudyData.Load(new DataSelection { Dataset = "synthetic", Path = Idx("idx"), LabeledFraction = 0.1 }, 4, seed: 3);

        Assert.Equal(16, data.Train.Count);
        Assert.Equal(4, data.Validation.Count);
        Assert.Equal(0, data.Train.Labels.lt(0).sum().item<long>());
        Assert.Equal(0, data.Validation.Labels.lt(0).sum().item<long>());
        Assert.NotNull(data.Transfer);
        Assert.Equal(180, data.Transfer!.Count);
        Assert.Equal(0, data.Transfer.LabeledCount);
        Assert.Equal(196, data.DistillationTrain.Count);
        Assert.Equal(16, data.DistillationTrain.LabeledCount);
        // The labeled rows come first, so the teacher's cache and the rows a batch names agree.
        Assert.True(data.DistillationTrain.Features[..16].eq(data.Train.Features).all().item<bool>());
    }

    [Fact]
    public void Without_a_fraction_or_a_transfer_set_a_study_has_no_transfer_rows()
    {
        using var data = StudyData.Load(new DataSelection { Dataset = "synthetic", Path = Idx("idx") }, 20, seed: 3);

        Assert.Null(data.Transfer);
        Assert.Same(data.Train, data.DistillationTrain);
    }

    [Fact]
    public void A_labeled_transfer_set_gives_its_training_rows_without_labels_and_never_its_test_rows()
    {
        using var data = StudyData.Load(new DataSelection { Dataset = "synthetic", Path = Idx("idx"), Transfer = Idx("more", train: 90, test: 30, seed: 11) }, 20, seed: 3);

        Assert.Equal(90, data.Transfer!.Count);
        Assert.Equal(0, data.Transfer.LabeledCount);
        Assert.Equal(data.Train.SampleShape, data.Transfer.SampleShape);
    }

    [Fact]
    public void An_idx_images_file_without_labels_is_standardised_like_the_training_set()
    {
        var more = Idx("more", train: 70, seed: 11);
        using var data = StudyData.Load(new DataSelection { Dataset = "synthetic", Path = Idx("idx"), Transfer = Path.Combine(more, DatasetInfo.TrainImages) }, 20, seed: 3);
        var normalization = data.Info.Normalization;
        var raw = IdxReader.ReadImages(Path.Combine(more, DatasetInfo.TrainImages));
        var first = (raw.Pixels[0] / 255.0 - normalization.Mean[0]) / normalization.Std[0];

        Assert.Equal(70, data.Transfer!.Count);
        Assert.Equal(first, data.Transfer.Features[0, 0, 0, 0].item<float>(), 4);
    }

    [Fact]
    public void A_folder_of_images_without_class_folders_is_a_transfer_set_at_the_training_size()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteSplit(images, trainPerClass: 10, testPerClass: 4, colour: true);
        var flat = _folder.File("flat");
        Directory.CreateDirectory(flat);
        foreach (var (file, i) in Directory.GetFiles(Path.Combine(images, "train", "cat")).Select((f, i) => (f, i))) File.Copy(file, Path.Combine(flat, $"{i}{Path.GetExtension(file)}"));

        using var data = StudyData.Load(new DataSelection { Path = images, ImageSize = 12, Transfer = flat }, null, seed: 3);

        Assert.Equal(10, data.Transfer!.Count);
        Assert.Equal([3L, 12, 12], data.Transfer.SampleShape);
        Assert.Equal(0, data.Transfer.LabeledCount);
    }

    [Fact]
    public void A_folder_of_images_of_another_size_is_read_at_the_size_the_training_folder_chose()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteSplit(images, trainPerClass: 6, testPerClass: 2, colour: true);
        var flat = _folder.File("flat");
        Directory.CreateDirectory(flat);
        // Training images are 12 pixels wide and no --image-size is given; the transfer images are 20.
        for (var i = 0; i < 5; i++) SyntheticImages.Write(Path.Combine(flat, $"{i}.png"), SyntheticImages.Picture(i % 4, 20, true, new Random(i)), 20, true, "png");

        using var data = StudyData.Load(new DataSelection { Path = images, Transfer = flat }, null, seed: 3);

        Assert.Equal(data.Train.SampleShape, data.Transfer!.SampleShape);
        Assert.Equal(5, data.Transfer.Count);
    }

    [Fact]
    public void A_table_without_the_label_column_gives_the_training_columns_by_name()
    {
        var table = _folder.File("table.csv");
        SyntheticTable.Write(table);
        var unlabeled = _folder.File("unlabeled.csv");
        File.WriteAllText(unlabeled, "noise,depth,height,width\n0.5,1,2,3\n0.25,4,5,6\n");

        using var data = StudyData.Load(new DataSelection { Path = table, LabelColumn = "species", Transfer = unlabeled }, null, seed: 3);
        var columns = data.Info.Columns!.ToList();
        var normalization = data.Info.Normalization;
        var width = columns.IndexOf("width");

        Assert.Equal(2, data.Transfer!.Count);
        Assert.Equal((3 - normalization.Mean[width]) / normalization.Std[width], data.Transfer.Features[0, width].item<float>(), 4);
    }

    [Fact]
    public void A_streamed_image_folder_takes_a_streamed_transfer_folder()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteSplit(images, trainPerClass: 6, testPerClass: 2);
        var flat = Path.Combine(images, "train", "dog");

        using var data = StudyData.Load(new DataSelection { Path = images, ImageSize = 10, Stream = true, Transfer = flat }, null, seed: 3);

        Assert.True(data.DistillationTrain.IsStreamed);
        Assert.Equal(data.Train.Count + 6, data.DistillationTrain.Count);
        using var all = arange(data.DistillationTrain.Count, dtype: ScalarType.Int64);
        var (rows, inputs) = data.DistillationTrain.Batches([all]).Single();
        using (rows)
        using (inputs) Assert.Equal([data.DistillationTrain.Count, .. data.Train.SampleShape], inputs.shape);
    }
}
