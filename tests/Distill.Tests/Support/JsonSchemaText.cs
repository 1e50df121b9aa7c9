using System.Text.Json.Nodes;

namespace Distill.Tests.Support;

/// <summary>
/// The shape of a JSON document as sorted lines "path: type", values left out, so a snapshot of it
/// changes only when a field is added, removed, renamed or changes type. An array's items are
/// merged into one "path[]" entry; a dictionary keyed by data (loss term names) stays as it is.
/// </summary>
public static class JsonSchemaText
{
    public static string Of(string json)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        Walk(JsonNode.Parse(json), "$", lines);
        return string.Join('\n', lines) + "\n";
    }

    private static void Walk(JsonNode? node, string path, SortedSet<string> lines)
    {
        switch (node)
        {
            case JsonObject obj:
                lines.Add($"{path}: object");
                foreach (var (key, value) in obj) Walk(value, $"{path}.{key}", lines);
                break;
            case JsonArray array:
                lines.Add($"{path}: array");
                foreach (var item in array) Walk(item, path + "[]", lines);
                break;
            case JsonValue value:
                var kind = value.GetValueKind();
                lines.Add($"{path}: {(kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? "boolean" : kind.ToString().ToLowerInvariant())}");
                break;
            default:
                lines.Add($"{path}: null");
                break;
        }
    }
}
