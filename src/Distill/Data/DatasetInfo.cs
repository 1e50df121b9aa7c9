namespace Distill.Data;

/// <summary>
/// A known data set: its IDX file names, the SHA-256 of each unpacked file, and the statistics
/// used to standardise its pixels.
/// </summary>
public sealed record DatasetInfo(
    string Name,
    int ClassCount,
    IReadOnlyDictionary<string, string> Sha256ByFile,
    double PixelMean,
    double PixelStd,
    IReadOnlyList<string> ClassNames)
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    public static readonly DatasetInfo Mnist = new(
        "mnist",
        10,
        new Dictionary<string, string>
        {
            [TrainImages] = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            [TrainLabels] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            [TestImages] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            [TestLabels] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        },
        0.1307,
        0.3081,
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);

    public static readonly DatasetInfo FashionMnist = new(
        "fashion-mnist",
        10,
        new Dictionary<string, string>
        {
            [TrainImages] = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            [TrainLabels] = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            [TestImages] = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            [TestLabels] = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        },
        0.2860,
        0.3530,
        ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);

    public static IReadOnlyList<DatasetInfo> All { get; } = [Mnist, FashionMnist];

    /// <summary>
    /// The known data set an IDX folder holds, recognised by the SHA-256 of its test labels
    /// (plain or gzipped), or null when it is none of them or cannot be read.
    /// </summary>
    public static DatasetInfo? Identify(string folder) => Identify(folder, All);

    /// <summary>The one of <paramref name="candidates"/> whose test labels the IDX folder holds, or null.</summary>
    public static DatasetInfo? Identify(string folder, IEnumerable<DatasetInfo> candidates)
    {
        foreach (var name in new[] { TestLabels, TestLabels + ".gz" })
        {
            var path = System.IO.Path.Combine(folder, name);
            if (!File.Exists(path) || new FileInfo(path).Length > 1 << 20) continue;
            try
            {
                using var file = File.OpenRead(path);
                using Stream stream = name.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
                using var bounded = new MemoryStream();
                stream.CopyTo(bounded);
                var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bounded.ToArray()));
                return candidates.FirstOrDefault(d => d.Sha256ByFile.TryGetValue(TestLabels, out var known) && known == hash);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        return null;
    }

    public static DatasetInfo Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new DistillException(
            $"Unknown data set '{name}'; known data sets are {string.Join(", ", All.Select(d => d.Name))}.");
}
