using System.Globalization;
using System.Text.Json;

namespace Distill.Experiments;

/// <summary>Turns a sweep into its points: the Cartesian product of the lists, or seeded random draws.</summary>
public static class SweepPlanner
{
    public const string HardWeightKey = "distillation.hardLabelWeight";
    public const string SoftWeightKey = "distillation.softTargetWeight";

    /// <summary>
    /// Most points a sweep may plan, and most student runs (points times seeds) an experiment may plan:
    /// a plan this long is already weeks of work; a longer one is a typo that would spin planning it.
    /// </summary>
    public const int MaxPoints = 10_000;

    // Keys a sweep may not vary: they would change the teacher, the data or the experiment itself,
    // which every point shares.
    private static readonly string[] SharedPrefixes = ["teacher", "dataset", "dataDirectory", "validationCount", "name", "description", "seeds", "output", "sweep", "device"];

    public static IReadOnlyList<SweepPoint> Points(SweepOptions sweep)
    {
        Check(sweep);
        var settings = sweep.Mode == SweepMode.Grid ? Grid(sweep) : Random(sweep);
        var width = settings.Count.ToString(CultureInfo.InvariantCulture).Length;
        return settings.Select((s, i) => new SweepPoint(
                "p" + (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'),
                sweep.ComplementaryHardWeight ? [.. s, Complement(s)] : s))
            .ToList();
    }

    private static void Check(SweepOptions sweep)
    {
        if (sweep.Parameters.Count == 0) throw new DistillException("The sweep needs at least one key under sweep.parameters.");
        foreach (var (key, values) in sweep.Parameters)
        {
            if (SharedPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                throw new DistillException(
                    $"The sweep key '{key}' would change the teacher, the data or the experiment, which all points share; sweep studentSpec, studentTraining.* or distillation.* keys.");
            var isList = values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0;
            var isRange = values.ValueKind == JsonValueKind.Object;
            if (sweep.Mode == SweepMode.Grid && !isList)
                throw new DistillException($"The sweep key '{key}' needs a non-empty list of values in a grid sweep.");
            if (!isList && !isRange)
                throw new DistillException($"The sweep key '{key}' needs a non-empty list of values or a range {{\"min\": .., \"max\": ..}}.");
        }
        if (sweep.Mode == SweepMode.Random && sweep.Samples <= 0)
            throw new DistillException($"A random sweep needs sweep.samples above 0, not {sweep.Samples}.");
        if (sweep.Mode == SweepMode.Random && sweep.Samples > MaxPoints)
            throw new DistillException($"A random sweep may draw at most {MaxPoints:N0} points, not sweep.samples = {sweep.Samples:N0}.");
        if (sweep.Mode == SweepMode.Grid)
        {
            var size = sweep.Parameters.Values.Aggregate(1.0, (product, values) => product * values.GetArrayLength());
            if (size > MaxPoints)
                throw new DistillException($"The grid sweep has {size:N0} points, more than the {MaxPoints:N0} Distill will plan; shorten its lists.");
        }
        if (sweep.ComplementaryHardWeight)
        {
            if (sweep.Parameters.ContainsKey(HardWeightKey))
                throw new DistillException($"The sweep sets {HardWeightKey} from complementaryHardWeight, so it cannot also list it.");
            if (!sweep.Parameters.ContainsKey(SoftWeightKey))
                throw new DistillException($"complementaryHardWeight needs {SoftWeightKey} among the sweep keys.");
        }
    }

    private static List<List<KeyValuePair<string, string>>> Grid(SweepOptions sweep)
    {
        var points = new List<List<KeyValuePair<string, string>>> { new() };
        foreach (var (key, values) in sweep.Parameters)
            points = points.SelectMany(p => values.EnumerateArray().Select(v => new List<KeyValuePair<string, string>>(p) { new(key, v.GetRawText()) })).ToList();
        return points;
    }

    private static List<List<KeyValuePair<string, string>>> Random(SweepOptions sweep)
    {
        var random = new Random(sweep.RandomSeed);
        var seen = new HashSet<string>();
        var points = new List<List<KeyValuePair<string, string>>>();
        for (var i = 0; i < sweep.Samples; i++)
        {
            var point = sweep.Parameters.Select(p => new KeyValuePair<string, string>(p.Key, Draw(p.Key, p.Value, random))).ToList();
            // Draws from short lists repeat; a repeated point would only cost time.
            if (seen.Add(string.Join('\n', point))) points.Add(point);
        }
        return points;
    }

    private static string Draw(string key, JsonElement values, Random random)
    {
        if (values.ValueKind == JsonValueKind.Array) return values[random.Next(values.GetArrayLength())].GetRawText();
        SweepRange range;
        try
        {
            range = values.Deserialize<SweepRange>(ExperimentFile.Strict)!;
        }
        catch (JsonException)
        {
            throw new DistillException($"The sweep key '{key}' has a range that is not {{\"min\": number, \"max\": number, \"log\": true|false}}.");
        }
        if (!(range.Max >= range.Min) || (range.Log && !(range.Min > 0)))
            throw new DistillException($"The sweep key '{key}' needs min <= max (and min > 0 with log).");
        var u = random.NextDouble();
        var value = range.Log
            ? Math.Exp(Math.Log(range.Min) + u * (Math.Log(range.Max) - Math.Log(range.Min)))
            : range.Min + u * (range.Max - range.Min);
        return Number(double.Parse(value.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static KeyValuePair<string, string> Complement(List<KeyValuePair<string, string>> settings)
    {
        var soft = settings.First(s => s.Key == SoftWeightKey).Value;
        if (!double.TryParse(soft, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
            throw new DistillException($"The sweep value {soft} of {SoftWeightKey} is not a number.");
        return new(HardWeightKey, Number(Math.Round(1 - weight, 10)));
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
