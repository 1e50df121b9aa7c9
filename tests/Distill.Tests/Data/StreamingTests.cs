using Distill.Data;
using Distill.Data.Augmentation;
using Distill.Evaluation;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Data;

/// <summary>
/// An image folder decoded on the fly gives the inputs the in-memory reader gives, trains the same
/// weights, keeps at most a few batches ahead, and reports a bad file in one sentence.
/// </summary>
public sealed class StreamingTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _images;

    public StreamingTests()
    {
        _images = _folder.File("images");
        // Colour, three formats, two sizes: every image is resized to 12x12.
        SyntheticImages.WriteSplit(_images, trainPerClass: 40, testPerClass: 10, colour: true);
    }

    public void Dispose() => _folder.Dispose();

    private LoadedData Load(bool stream, int workers = 2, ChannelNormalization? normalization = null) =>
        DataSources.Load(new DataRequest { Path = _images, ImageSize = 12, Stream = stream, Workers = workers, Normalization = normalization });

    private static Tensor All(LabeledDataset data)
    {
        var parts = new List<Tensor>();
        foreach (var (rows, inputs) in data.Batches(7))
        {
            rows.Dispose();
            parts.Add(inputs);
        }
        var all = cat(parts, 0);
        foreach (var part in parts) part.Dispose();
        return all;
    }

    [Fact]
    public void A_streamed_folder_reads_the_same_inputs_labels_and_statistics_as_one_held_in_memory()
    {
        using var memory = Load(stream: false);
        using var streamed = Load(stream: true);

        Assert.False(memory.Train.IsStreamed);
        Assert.True(streamed.Train.IsStreamed);
        Assert.Equal(memory.Train.SampleShape, streamed.Train.SampleShape);
        // The statistics are summed batch by batch in float64 rather than over one tensor.
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(memory.Info.Normalization.Mean[c], streamed.Info.Normalization.Mean[c], 9);
            Assert.Equal(memory.Info.Normalization.Std[c], streamed.Info.Normalization.Std[c], 9);
        }
        foreach (var (a, b) in new[] { (memory.Train, streamed.Train), (memory.Validation!, streamed.Validation!), (memory.Test, streamed.Test) })
        {
            Assert.True(TensorAssert.Identical(a.Labels, b.Labels));
            using var read = All(b);
            Assert.True(a.Features.allclose(read, rtol: 0, atol: 1e-5), $"{b.Name} differs");
        }
    }

    [Fact]
    public void With_the_same_statistics_a_streamed_folder_trains_exactly_the_weights_of_one_in_memory_with_1_or_2_workers()
    {
        using var memory = Load(stream: false);
        // Flips only: the transforms that fill borders take black from the data in memory (its minimum)
        // but from the pixel range when streamed, which agree only when some pixel is pure black.
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Augment = "hflip,vflip", Seed = 3 };

        nn.Module<Tensor, Tensor> Train(LoadedData data)
        {
            manual_seed(5);
            var model = ModelBuilder.Build(ModelSpec.Parse("cnn:c4-relu-mp2-fc16-relu"), data.Train.SampleShape, 4);
            new Trainer(options).Train("m", model, data.Train, data.Validation!, new SupervisedObjective());
            return model;
        }

        using var expected = Train(memory);
        foreach (var workers in new[] { 1, 2 })
        {
            using var streamed = Load(stream: true, workers, memory.Info.Normalization);
            using var actual = Train(streamed);
            foreach (var ((name, x), (_, y)) in expected.state_dict().Zip(actual.state_dict()))
                Assert.True(TensorAssert.Identical(x, y), $"{name} differs with {workers} worker(s)");
            Assert.Equal(Evaluator.Evaluate(expected, memory.Test).Accuracy, Evaluator.Evaluate(actual, streamed.Test).Accuracy);
        }
    }

    [Fact]
    public void A_folder_larger_than_the_memory_budget_is_streamed_without_being_asked()
    {
        using var data = DataSources.Load(new DataRequest { Path = _images, ImageSize = 12, MemoryBudgetBytes = 1000 });

        Assert.True(data.Train.IsStreamed);
        Assert.True(data.Test.IsStreamed);
    }

    [Fact]
    public void A_corrupt_image_met_while_streaming_is_one_sentence_naming_it()
    {
        using var data = Load(stream: true);
        var victim = Directory.GetFiles(Path.Combine(_images, "test", "owl")).Order().Last();
        // Loading probed it intact; it breaks afterwards, as a file on a failing disk would.
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DataFormatException>(() => All(data.Test).Dispose());

        Assert.Contains(victim, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_reader_keeps_at_most_a_few_batches_ahead_and_stops_when_the_consumer_does()
    {
        var store = new CountingStore(1000);
        using var labels = zeros(1000, ScalarType.Int64);
        using var data = new LabeledDataset("counted", store, labels, 2);

        var taken = 0;
        foreach (var (rows, inputs) in data.Batches(10))
        {
            using (rows)
            using (inputs)
            {
                Thread.Sleep(20);
                taken++;
                Assert.True(store.Reads - taken <= BatchPrefetcher.Capacity + 1, $"{store.Reads} batches read with {taken} consumed");
                Assert.Equal(rows[0].item<long>(), inputs[0, 0].item<float>());
                if (taken == 5) break;
            }
        }

        Thread.Sleep(100);
        Assert.True(store.Reads <= 5 + BatchPrefetcher.Capacity + 1, $"{store.Reads} batches read after the consumer stopped at 5");
    }

    /// <summary>A store whose input for row r is [r], counting the batches it was asked for.</summary>
    private sealed class CountingStore(long count) : IRowStore
    {
        private int _reads;

        public int Reads => _reads;

        public long Count => count;

        public long[] SampleShape => [1];

        public int Workers => 1;

        public Tensor Read(long[] rows)
        {
            Interlocked.Increment(ref _reads);
            return tensor(rows.Select(r => (float)r).ToArray()).view(-1, 1);
        }

        public IRowStore Subset(long[] rows) => throw new NotSupportedException();

        public void Standardise(ChannelNormalization normalization) => throw new NotSupportedException();

        public ImageRange Range() => throw new NotSupportedException();
    }
}
