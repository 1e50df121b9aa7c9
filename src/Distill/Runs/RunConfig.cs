using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distill.Runs;

/// <summary>
/// A run folder's config.json, read as what it meant when it was written. kd's temperature warm-up
/// (<c>distillation.temperatureWarmupEpochs</c>) was off by default, and written only when set, until
/// its default became 20 epochs; a run folder's config.json without the key was written then and
/// means 0. Reading it so keeps an older run's resume, shards, merge, prune, deploy and repeat
/// (`distill run its/config.json`) training and describing it as it ran. A user's experiment file
/// without the key takes today's default.
/// </summary>
public static class RunConfig
{
    public const string FileName = "config.json";

    private const string WarmupKey = "temperatureWarmupEpochs";

    /// <summary>True for a config.json that Distill wrote in a run folder (its marker lies beside it), not a user's experiment file.</summary>
    public static bool IsRunConfig(string path) =>
        string.Equals(Path.GetFileName(path), FileName, StringComparison.Ordinal)
        && File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, RunFolder.MarkerFile));

    /// <summary>Gives <paramref name="config"/> the keys an older config.json lacks, with the values they had when it was written.</summary>
    public static JsonObject Upgrade(JsonObject config)
    {
        if (config["distillation"] is JsonObject distillation && !distillation.ContainsKey(WarmupKey)) distillation[WarmupKey] = 0;
        return config;
    }

    /// <summary>
    /// True when the config.json in run folder <paramref name="folder"/> predates the temperature warm-up
    /// default (its distillation options lack the key), so a command line saved beside it that did not give
    /// --temperature-warmup ran with 0.
    /// </summary>
    public static bool PredatesWarmupDefault(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return false;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["distillation"] is JsonObject distillation && !distillation.ContainsKey(WarmupKey);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The run configuration in <paramref name="path"/> (a study's options), an older file upgraded.</summary>
    public static T Read<T>(string path, string what)
    {
        if (!File.Exists(path)) throw new DistillException($"The {what} file '{path}' does not exist.");
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                       ?? throw new DistillException($"The {what} file '{path}' does not hold one JSON object.");
            return Upgrade(node).Deserialize<T>(Json.Options) ?? throw new DistillException($"The {what} file '{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new DistillException($"The {what} file '{path}' is not valid: it cannot be read at {e.Path ?? "$"} (line {e.LineNumber + 1}).");
        }
    }

    /// <summary>
    /// Null when the config.json text <paramref name="stored"/> (upgraded if older) states the options of
    /// <paramref name="config"/>; else the first key whose value differs, with both values, for a refusal.
    /// </summary>
    public static string? Difference(string stored, string config)
    {
        if (stored == config) return null;
        JsonNode? before, now;
        try
        {
            before = JsonNode.Parse(stored);
            now = JsonNode.Parse(config);
        }
        catch (JsonException)
        {
            return "the file cannot be read";
        }
        if (before is JsonObject old) Upgrade(old);
        return FirstDifference(before, now, "");
    }

    private static string? FirstDifference(JsonNode? before, JsonNode? now, string key)
    {
        if (before is JsonObject a && now is JsonObject b)
        {
            foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                if (FirstDifference(a[name], b[name], key.Length == 0 ? name : $"{key}.{name}") is { } found) return found;
            return null;
        }
        return JsonNode.DeepEquals(before, now)
            ? null
            : $"{(key.Length == 0 ? "the whole file" : key)} is {Text(before)} there, {Text(now)} now";
    }

    private static string Text(JsonNode? node)
    {
        var text = node?.ToJsonString(Json.Compact) ?? "absent";
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
