using System.Globalization;

namespace Distill.Data.Augmentation;

/// <summary>
/// The registry of transforms and the grammar that names them: a comma-separated list applied in
/// the order written, each entry a name with an optional ":value", e.g.
/// "crop:4,hflip,rotate:10,zoom:0.1,brightness:0.2". Blank means none.
/// </summary>
public static class Augmentations
{
    private sealed record Entry(string Usage, bool NeedsValue, Func<double, IImageTransform> Create);

    private static readonly Dictionary<string, Entry> Registry = new(StringComparer.Ordinal)
    {
        ["crop"] = new("crop:P (pad P pixels, cut a random window of the original size)", true, v => new RandomShift(Whole("crop", v), "crop")),
        ["jitter"] = new("jitter:P (the same as crop:P, Hinton et al.'s name)", true, v => new RandomShift(Whole("jitter", v), "jitter")),
        ["hflip"] = new("hflip[:p] (mirror left-right with probability p, default 0.5)", false, v => new RandomFlip(vertical: false, double.IsNaN(v) ? 0.5 : v)),
        ["vflip"] = new("vflip[:p] (mirror top-bottom with probability p, default 0.5)", false, v => new RandomFlip(vertical: true, double.IsNaN(v) ? 0.5 : v)),
        ["rotate"] = new("rotate:D (turn by up to D degrees either way)", true, v => new RandomRotation(v)),
        ["zoom"] = new("zoom:Z (scale by a factor in [1-Z, 1+Z])", true, v => new RandomZoom(v)),
        ["shear"] = new("shear:D (shear sideways by up to D degrees either way)", true, v => new RandomShear(v)),
        ["brightness"] = new("brightness:B (scale intensity by a factor in [1-B, 1+B])", true, v => new RandomBrightness(v)),
    };

    /// <summary>Every transform with its grammar, for help texts and errors.</summary>
    public static IEnumerable<string> Usage => Registry.Values.Select(e => e.Usage);

    /// <summary>The transforms <paramref name="spec"/> names, in order; an unknown name or a bad value is one sentence.</summary>
    public static IReadOnlyList<IImageTransform> Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec) || spec.Trim() == "none") return [];
        var transforms = new List<IImageTransform>();
        foreach (var raw in spec.Split(','))
        {
            var item = raw.Trim();
            if (item.Length == 0) throw new DistillException($"The augmentation '{spec}' has an empty entry; separate transforms with single commas.");
            var colon = item.IndexOf(':');
            var name = (colon < 0 ? item : item[..colon]).ToLowerInvariant();
            if (!Registry.TryGetValue(name, out var entry))
                throw new DistillException($"The augmentation '{spec}' names an unknown transform '{name}'; known: {string.Join(", ", Registry.Keys)}.");
            var value = double.NaN;
            if (colon >= 0 && !double.TryParse(item[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                throw new DistillException($"The augmentation entry '{item}' has a value that is not a number; write {entry.Usage}.");
            if (colon < 0 && entry.NeedsValue)
                throw new DistillException($"The augmentation entry '{item}' needs a value; write {entry.Usage}.");
            transforms.Add(entry.Create(value));
        }
        var repeated = transforms.GroupBy(t => t.Spec.Split(':')[0]).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new DistillException($"The augmentation '{spec}' names '{repeated.Key}' twice; name each transform once.");
        return transforms;
    }

    /// <summary>The canonical text of a list of transforms (the inverse of <see cref="Parse"/>).</summary>
    public static string Format(IEnumerable<IImageTransform> transforms) => string.Join(",", transforms.Select(t => t.Spec));

    private static int Whole(string name, double value) =>
        value == Math.Floor(value) && value is >= 1 and <= 1024
            ? (int)value
            : throw new DistillException($"The {name} padding must be a whole number of pixels from 1 to 1024, not {value.ToString(CultureInfo.InvariantCulture)}.");
}
