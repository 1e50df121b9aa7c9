using System.Globalization;

namespace Distill.Data;

/// <summary>
/// Shares of a single-folder or single-file data set given to training, validation and test.
/// The split is stratified: each class is shuffled with the seed and cut by these shares.
/// </summary>
public sealed record SplitRatios(double Train, double Validation, double Test)
{
    public static SplitRatios Default { get; } = new(0.8, 0.1, 0.1);

    public void Validate()
    {
        if (!(Train > 0) || !(Validation > 0) || !(Test > 0) || Math.Abs(Train + Validation + Test - 1) > 1e-6)
            throw new DistillException(
                $"The split ratios must be three positive shares (train, validation, test) adding up to 1, not {this}.");
    }

    /// <summary>Parses "0.8,0.1,0.1".</summary>
    public static SplitRatios Parse(string text)
    {
        var parts = text.Split(',');
        var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
        if (values.Length != 3 || values.Any(double.IsNaN))
            throw new DistillException($"The split ratios must be three numbers such as 0.8,0.1,0.1, not '{text}'.");
        var ratios = new SplitRatios(values[0], values[1], values[2]);
        ratios.Validate();
        return ratios;
    }

    public override string ToString() => string.Join(",", new[] { Train, Validation, Test }.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Assigns each row to a part (0 train, 1 validation, 2 test), per class: the rows of a class
    /// are shuffled with the seed, then the first share goes to test, the next to validation and
    /// the rest to training, so every class keeps at least one training row.
    /// </summary>
    public int[] Assign(IReadOnlyList<int> labels, int seed)
    {
        var parts = new int[labels.Count];
        var random = new Random(seed);
        foreach (var rows in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var shuffled = rows.ToArray();
            random.Shuffle(shuffled);
            var test = Math.Min((int)Math.Round(shuffled.Length * Test), shuffled.Length - 1);
            var validation = Math.Min((int)Math.Round(shuffled.Length * Validation), shuffled.Length - 1 - test);
            for (var i = 0; i < shuffled.Length; i++)
                parts[shuffled[i]] = i < test ? 2 : i < test + validation ? 1 : 0;
        }
        return parts;
    }
}
