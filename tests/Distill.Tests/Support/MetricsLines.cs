using System.Text.Json.Nodes;

namespace Distill.Tests.Support;

/// <summary>A run's metrics.jsonl without the wall-clock field, which no two runs share: what a resumed run must reproduce.</summary>
public static class MetricsLines
{
    public static List<string> WithoutSeconds(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(line =>
        {
            var record = JsonNode.Parse(line)!.AsObject();
            record.Remove("seconds");
            return record.ToJsonString();
        }).ToList();
}
