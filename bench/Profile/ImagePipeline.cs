using System.Diagnostics;
using System.Text.Json;
using Distill.Data;
using Distill.Data.Augmentation;

/// <summary>
/// Images per second of Distill's image pipeline on an image folder's train/ part, as training reads
/// it: decode (on the fly by the store's workers when streamed, once up front when held in memory),
/// standardise, augment, batch in a shuffled order. Prints one JSON object: seconds per epoch after a
/// warm-up epoch, images per second over the timed epochs, the one-off decode of an in-memory folder,
/// and the peak resident memory (VmHWM). Usage: Profile pipeline FOLDER SIZE AUGMENT BATCH EPOCHS STREAM WORKERS
/// </summary>
internal static class ImagePipeline
{
    public static void Run(string folder, int size, string augment, int batch, int epochs, bool stream, int workers)
    {
        var load = Stopwatch.StartNew();
        using var data = DataSources.Load(new DataRequest { Path = folder, ImageSize = size, Channels = 3, Stream = stream, Workers = workers });
        var loadSeconds = load.Elapsed.TotalSeconds;
        var train = data.Train;
        var transforms = Augmentations.Parse(augment);
        using var pipeline = new AugmentationPipeline(transforms, train.SampleShape, train.Store?.Range() ?? ImageRange.Measure(train.Features), 2);
        var sampler = new BatchSampler(train.Count, batch, shuffle: true, seed: 1);
        var seconds = new List<double>();
        double checksum = 0;
        for (var epoch = 0; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var (rows, inputs) in train.Batches(sampler.Epoch()))
            {
                using (rows)
                using (inputs)
                using (TorchSharp.torch.NewDisposeScope())
                {
                    var augmented = pipeline.Apply(inputs);
                    // One value per batch, so the augmented batch is really produced and used.
                    checksum += augmented[0, 0, 0, 0].item<float>();
                }
            }
            if (epoch > 0) seconds.Add(clock.Elapsed.TotalSeconds);
        }
        var timed = seconds.Sum();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            tool = "distill",
            mode = stream ? "streamed" : "in-memory",
            size,
            images = train.Count,
            batch,
            augment,
            workers,
            epochs,
            loadSeconds,
            epochSeconds = seconds,
            imagesPerSecond = train.Count * epochs / timed,
            peakRssMiB = PeakRssMiB(),
            checksum,
        }));
    }

    private static double PeakRssMiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
