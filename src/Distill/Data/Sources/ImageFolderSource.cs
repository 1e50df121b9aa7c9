using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data.Sources;

/// <summary>
/// A folder of images, one subfolder per class (its name is the class name): either train/, test/
/// and optionally val/ side by side, or the class folders directly, split by seeded ratios (a
/// missing val/ or test/ is carved from train/ the same way). PNG, JPEG and BMP, grayscale or
/// colour, any sizes up to a pixel limit read from the headers: every image is resized (bilinear)
/// to the size asked for, by default the training images' most common size (<see cref="ImageSizing"/>).
/// Read for its test part alone (<see cref="DataRequest.TestOnly"/>), only the test images are probed and
/// decoded: test/ (beside train/, or alone), else the test share of train/'s split (listed, not decoded), and
/// a single folder of class folders is all test images unless a model learnt from its split
/// (<see cref="DataRequest.HeldOutFrom"/>); the default size is then the test images' most common one.
/// </summary>
public sealed class ImageFolderSource : IDataSource
{
    private static readonly string[] ValidationNames = ["val", "validation", "valid"];

    public DataFormat Format => DataFormat.Images;

    public bool Recognises(string path)
    {
        if (!Directory.Exists(path)) return false;
        var root = Child(path, "train") ?? Child(path, "test") ?? path;
        return Folders(root).Any(f => Directory.EnumerateFiles(f).Any(ImageFile.IsImage));
    }

    public SourceData Read(DataRequest request)
    {
        var root = request.Path;
        if (!Directory.Exists(root)) throw new DistillException($"Image folder '{root}' does not exist.");
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
        var trainRoot = Child(root, "train");
        var testRoot = Child(root, "test");
        // Read for its test part alone, a folder may hold test/ only; its class folders then name the classes.
        var classRoot = trainRoot ?? (request.TestOnly ? testRoot : null) ?? root;
        var classes = Folders(classRoot).Select(Path.GetFileName).ToList();
        if (classes.Count < 2)
            throw new DataFormatException(
                $"Image folder '{classRoot}' has {classes.Count} class folder{(classes.Count == 1 ? "" : "s")}; a classifier needs at least 2 (one subfolder of images per class).");
        var validationRoot = trainRoot is null ? null : ValidationNames.Select(n => Child(root, n)).FirstOrDefault(f => f is not null);
        if (request.TestOnly)
        {
            var test = TestFiles(root, name, classRoot, trainRoot is not null, testRoot, validationRoot, classes!, request);
            return SourceData.OfTest(name, classes!, Parts([test], ["test"], request, name, classes.Count)[0]);
        }
        var train = List(classRoot, classes!);
        var validation = validationRoot is null ? null : List(validationRoot, classes!);
        var testFiles = trainRoot is null ? null : testRoot is { } t ? List(t, classes!) : null;
        if (validation is null || testFiles is null) (train, validation, testFiles) = Carve(train, validation, testFiles, request);
        var parts = Parts([train, validation!, testFiles!], ["train", "validation", "test"], request, name, classes.Count);
        return new SourceData(name, classes!, parts[0], parts[1], parts[2]);
    }

    /// <summary>
    /// The test images of a read for the test part alone: test/; without it, the test share of train/'s split, or,
    /// for a single folder of class folders, every image, unless a model learnt from its split (then its share).
    /// </summary>
    private static List<(string Path, int Label)> TestFiles(string root, string name, string classRoot, bool hasTrain, string? testRoot, string? validationRoot,
        List<string> classes, DataRequest request)
    {
        if (testRoot is not null) return List(testRoot, classes);
        var heldOut = request.HeldOutFrom is { } from && from.Name == name ? from.Seed : (int?)null;
        if (!hasTrain && heldOut is null) return List(root, classes);
        var (_, _, test) = Carve(List(classRoot, classes), validationRoot is null ? null : List(validationRoot, classes), null, request with { Seed = heldOut ?? request.Seed });
        return test;
    }

    /// <summary>
    /// The images of each of <paramref name="lists"/>, held in memory or decoded on the fly (by their size), at the
    /// size asked for or the most common one in the first list, in colour if asked or if any image has it.
    /// </summary>
    private static List<LabeledDataset> Parts(List<(string Path, int Label)>[] lists, string[] names, DataRequest request, string name, int classCount)
    {
        var paths = lists.SelectMany(l => l).Select(f => f.Path).ToList();
        var probes = paths.Select(ImageFile.Probe).ToList();
        ImageSizing.CheckPixels(paths, probes, request.MaxImagePixels);
        var channels = request.Channels ?? (probes.Any(p => p.Colour) ? 3 : 1);
        var (height, width) = request.ImageSize is { } side ? (side, side) : ImageSizing.DefaultSize(probes.Take(lists[0].Count));
        var bytes = (double)probes.Count * channels * height * width * sizeof(float);
        var stream = request.Stream ?? bytes > request.StreamThresholdBytes();
        var parts = new List<LabeledDataset>();
        if (stream)
        {
            for (var i = 0; i < lists.Length; i++)
                parts.Add(new LabeledDataset($"{name}/{names[i]}", new ImageFileStore(lists[i].Select(f => f.Path).ToList(), channels, height, width, request.Workers),
                    Labels(lists[i]), classCount));
            return parts;
        }
        try
        {
            for (var i = 0; i < lists.Length; i++) parts.Add(Decode(lists[i], channels, height, width, $"{name}/{names[i]}", classCount));
            return parts;
        }
        catch
        {
            foreach (var part in parts) part.Dispose();
            throw;
        }
    }

    private static LabeledDataset Decode(List<(string Path, int Label)> files, int channels, int height, int width, string name, int classCount)
    {
        var features = zeros(files.Count, channels, height, width);
        try
        {
            using var noGrad = no_grad();
            for (var i = 0; i < files.Count; i++)
            {
                using var scope = NewDisposeScope();
                features[i].copy_(DecodeOne(files[i].Path, channels, height, width));
            }
            return new LabeledDataset(name, features, Labels(files), classCount);
        }
        catch
        {
            features.Dispose();
            throw;
        }
    }

    private static Tensor Labels(List<(string Path, int Label)> files) => tensor(files.Select(f => (long)f.Label).ToArray(), ScalarType.Int64);

    /// <summary>One image as [channels, height, width] float32 in [0, 1], resized (bilinear) when its size differs.</summary>
    internal static Tensor DecodeOne(string path, int channels, int height, int width)
    {
        var (pixels, w, h) = ImageFile.Decode(path, channels);
        // Scaled here rather than by a tensor op: one tensor instead of three, and no implicit Scalar,
        // whose native handle the garbage collector could free under a busy decoding worker while
        // libtorch still read it ("Unknown scalar type", seen at 224x224 on two workers).
        var scaled = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) scaled[i] = pixels[i] / 255f;
        var image = tensor(scaled, [1, channels, h, w]);
        if (h != height || w != width)
            image = nn.functional.interpolate(image, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return image[0];
    }

    /// <summary>Splits the missing parts off the training files by the request's seeded ratios.</summary>
    private static (List<(string, int)>, List<(string, int)>, List<(string, int)>) Carve(
        List<(string Path, int Label)> train, List<(string, int)>? validation, List<(string, int)>? test, DataRequest request)
    {
        var r = request.Ratios;
        var ratios = (validation, test) switch
        {
            (null, null) => r,
            (null, _) => new SplitRatios(r.Train / (r.Train + r.Validation), r.Validation / (r.Train + r.Validation), 0),
            _ => new SplitRatios(r.Train / (r.Train + r.Test), 0, r.Test / (r.Train + r.Test)),
        };
        var assigned = ratios.Assign(train.Select(f => f.Label).ToList(), request.Seed);
        List<(string, int)> Part(int index) => train.Where((_, i) => assigned[i] == index).ToList();
        return (Part(0), validation ?? Part(1), test ?? Part(2));
    }

    private static List<(string Path, int Label)> List(string folder, List<string> classes)
    {
        var files = new List<(string, int)>();
        foreach (var classFolder in Folders(folder))
        {
            var label = classes.IndexOf(Path.GetFileName(classFolder));
            if (label < 0)
                throw new DataFormatException($"Class folder '{classFolder}' names a class the training folder lacks; the classes are {string.Join(", ", classes)}.");
            var images = Directory.GetFiles(classFolder).Where(ImageFile.IsImage).Order(StringComparer.Ordinal).ToList();
            if (images.Count == 0)
                throw new DataFormatException($"Class folder '{classFolder}' holds no PNG, JPEG or BMP images.");
            files.AddRange(images.Select(f => (f, label)));
        }
        return files;
    }

    private static IEnumerable<string> Folders(string folder) =>
        Directory.GetDirectories(folder).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal);

    private static string? Child(string folder, string name) =>
        Directory.GetDirectories(folder).FirstOrDefault(d => string.Equals(Path.GetFileName(d), name, StringComparison.OrdinalIgnoreCase));
}
