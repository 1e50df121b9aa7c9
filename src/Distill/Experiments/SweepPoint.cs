namespace Distill.Experiments;

/// <summary>
/// One configuration of a sweep: the settings it applies on top of the experiment, as key path to
/// JSON value text (what --set takes), in the order of the sweep's parameters.
/// </summary>
public sealed record SweepPoint(string Id, IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    /// <summary>The only point of an experiment without a sweep.</summary>
    public static SweepPoint Base { get; } = new("base", []);

    public string? Value(string key) => Settings.FirstOrDefault(s => s.Key == key).Value;

    /// <summary>Readable settings, e.g. "temperature=4, softTargetWeight=0.9".</summary>
    public string Label => Settings.Count == 0
        ? "base configuration"
        : string.Join(", ", Settings.Select(s => $"{s.Key[(s.Key.LastIndexOf('.') + 1)..]}={s.Value.Trim('"')}"));

    /// <summary>The --set flags that reproduce this point.</summary>
    public string SetFlags => string.Join(" ", Settings.Select(s => $"--set {s.Key}={Quote(s.Value)}"));

    private static string Quote(string value)
    {
        var bare = value.Length >= 2 && value[0] == '"' ? value[1..^1] : value;
        return bare.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '[' or ']' or ',') ? $"'{value}'" : bare;
    }
}
