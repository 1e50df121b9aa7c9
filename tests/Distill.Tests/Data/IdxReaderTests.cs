using System.Buffers.Binary;
using Distill.Data;
using Distill.Tests.Support;

namespace Distill.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_valid_images_file_reads_back_every_pixel()
    {
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)i).ToArray();
        var path = _folder.File("images");
        SyntheticIdx.WriteImages(path, pixels, 3, 4, 5);

        var images = IdxReader.ReadImages(path);

        Assert.Equal((3, 4, 5), (images.Count, images.Rows, images.Columns));
        Assert.Equal(pixels, images.Pixels);
    }

    [Fact]
    public void A_gzipped_file_reads_the_same_as_a_plain_one()
    {
        var labels = new byte[] { 1, 2, 3, 9 };
        SyntheticIdx.WriteLabels(_folder.File("plain"), labels);
        SyntheticIdx.WriteLabels(_folder.File("zipped.gz"), labels, gzip: true);

        Assert.Equal(IdxReader.ReadLabels(_folder.File("plain")), IdxReader.ReadLabels(_folder.File("zipped.gz")));
    }

    [Fact]
    public void A_labels_file_given_as_images_is_rejected_by_its_magic_number()
    {
        var path = _folder.File("labels");
        SyntheticIdx.WriteLabels(path, new byte[20]);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("magic number 0x00000801", error.Message);
    }

    [Fact]
    public void A_truncated_file_is_rejected_with_the_sizes_it_claims_and_has()
    {
        var path = _folder.File("images");
        var bytes = SyntheticIdx.ImagesFile(new byte[10 * 28 * 28], 10, 28, 28);
        File.WriteAllBytes(path, bytes[..^100]);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("truncated", error.Message);
        Assert.Contains("10 images of 28x28", error.Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_rejected()
    {
        var path = _folder.File("images.gz");
        SyntheticIdx.WriteImages(path, new byte[50 * 28 * 28], 50, 28, 28, gzip: true);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_header_claiming_an_absurd_size_is_rejected_before_allocating()
    {
        var path = _folder.File("images");
        var bytes = SyntheticIdx.ImagesFile(new byte[4], 1, 2, 2);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), int.MaxValue);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 4096);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), 4096);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("more than Distill will read", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_header_with_a_non_positive_dimension_is_rejected(int rows)
    {
        var path = _folder.File("images");
        var bytes = SyntheticIdx.ImagesFile(new byte[4], 1, 2, 2);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("invalid row count", error.Message);
    }

    [Fact]
    public void Bytes_after_the_claimed_data_are_rejected()
    {
        var path = _folder.File("labels");
        File.WriteAllBytes(path, [.. SyntheticIdx.LabelsFile([1, 2, 3]), 7, 7]);

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("unexpected bytes", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named_in_the_error()
    {
        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(_folder.File("nope")));

        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void The_loader_rejects_a_label_outside_the_class_count()
    {
        SyntheticIdx.WriteDataset(_folder.Path, trainCount: 20, testCount: 10);
        SyntheticIdx.WriteLabels(Path.Combine(_folder.Path, DatasetInfo.TestLabels), [.. Enumerable.Repeat((byte)1, 9), 12]);

        var error = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.Load(_folder.Path, DatasetInfo.Mnist));

        Assert.Contains("row 9 is 12, outside the 10 classes", error.Message);
    }

    [Fact]
    public void The_loader_rejects_images_and_labels_that_differ_in_count()
    {
        SyntheticIdx.WriteDataset(_folder.Path, trainCount: 20, testCount: 10);
        SyntheticIdx.WriteLabels(Path.Combine(_folder.Path, DatasetInfo.TrainLabels), new byte[19]);

        var error = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.Load(_folder.Path, DatasetInfo.Mnist));

        Assert.Contains("20 images but 19 labels", error.Message);
    }

    [Fact]
    public void The_loader_standardises_pixels_and_keeps_labels()
    {
        SyntheticIdx.WriteDataset(_folder.Path, trainCount: 30, testCount: 10, gzip: true);

        var (train, test) = IdxDatasetLoader.Load(_folder.Path, DatasetInfo.Mnist);
        using (train)
        using (test)
        {
            Assert.Equal([1L, 12, 12], train.SampleShape);
            Assert.Equal(30, train.Count);
            var min = train.Features.min().item<float>();
            Assert.InRange(min, -0.4243 - 1e-3, 3.0);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), test.Labels.data<long>().ToArray());
        }
    }

    [Fact]
    public void The_validation_split_is_disjoint_seeded_and_complete()
    {
        SyntheticIdx.WriteDataset(_folder.Path, trainCount: 100, testCount: 10);
        var (train, test) = IdxDatasetLoader.Load(_folder.Path, DatasetInfo.Mnist);
        using (train)
        using (test)
        {
            var (a, validationA) = train.SplitValidation(20, seed: 3);
            var (b, validationB) = train.SplitValidation(20, seed: 3);
            var (_, validationC) = train.SplitValidation(20, seed: 4);

            Assert.Equal(80, a.Count);
            Assert.Equal(20, validationA.Count);
            Assert.True(TensorAssert.Identical(validationA.Features, validationB.Features));
            Assert.False(TensorAssert.Identical(validationA.Features, validationC.Features));
            Assert.Equal(train.Features.sum().item<float>(), a.Features.sum().item<float>() + validationA.Features.sum().item<float>(), 1);
        }
    }
}
