using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distill.Experiments;

/// <summary>
/// Applies key=value settings (--set and sweep points) to an experiment's JSON before it is
/// read, so overrides go through exactly the same checks as the file itself.
/// </summary>
public static class JsonOverrides
{
    /// <summary>Splits "a.b=value"; the value is JSON when it parses as JSON (8, true, [1,2], null) and a string otherwise.</summary>
    public static KeyValuePair<string, string> Parse(string setting)
    {
        var equals = setting.IndexOf('=');
        if (equals <= 0)
            throw new DistillException($"The setting '{setting}' must look like key=value, e.g. distillation.temperature=8.");
        return new(setting[..equals].Trim(), setting[(equals + 1)..].Trim());
    }

    public static JsonNode? Value(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>
    /// Sets <paramref name="key"/> (dot-separated) in <paramref name="root"/>. Existing keys match
    /// case-insensitively so --set distillation.Temperature=8 works; a key that does not exist is added
    /// and then rejected by name when the experiment is read. Everything after sweep.parameters is one
    /// key, because sweep parameters are themselves key paths.
    /// </summary>
    public static void Apply(JsonObject root, string key, string valueText)
    {
        var segments = key.Split('.');
        if (segments.Any(s => s.Length == 0)) throw new DistillException($"The key '{key}' has an empty part.");
        if (segments.Length > 2 && Same(segments[0], "sweep") && Same(segments[1], "parameters"))
            segments = [segments[0], segments[1], string.Join('.', segments[2..])];
        var node = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var name = Existing(node, segments[i]);
            if (node[name] is not JsonObject child)
            {
                child = new JsonObject();
                node[name] = child;
            }
            node = child;
        }
        node[Existing(node, segments[^1])] = Value(valueText);
    }

    private static string Existing(JsonObject node, string name) =>
        node.Select(p => p.Key).FirstOrDefault(k => Same(k, name)) ?? name;

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
