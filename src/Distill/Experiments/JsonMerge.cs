using System.Text.Json.Nodes;

namespace Distill.Experiments;

/// <summary>Deep merge of JSON objects: what a file states replaces the default, key by key, at any depth.</summary>
public static class JsonMerge
{
    public static JsonObject Over(JsonObject defaults, JsonObject overrides)
    {
        var merged = (JsonObject)defaults.DeepClone();
        foreach (var (key, value) in overrides)
        {
            merged[key] = merged[key] is JsonObject inner && value is JsonObject update
                ? Over(inner, update)
                : value?.DeepClone();
        }
        return merged;
    }
}
