using System.Text.Json.Nodes;

namespace Distill.Tests.Support;

/// <summary>What two runs of one command must share, read from their folders, to compare a killed and resumed run with an uninterrupted one.</summary>
public static class RunRecords
{
    /// <summary>metrics.jsonl without the wall-clock field.</summary>
    public static List<string> Metrics(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(line =>
        {
            var record = JsonNode.Parse(line)!.AsObject();
            record.Remove("seconds");
            return record.ToJsonString();
        }).ToList();

    /// <summary>Each model's title and test numbers from results.json.</summary>
    public static List<string> Accuracies(string run) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!["models"]!.AsArray()
            .Select(m => $"{m!["title"]} {m["testAccuracy"]} {m["testErrors"]} {m["lastEpochTestAccuracy"]}").ToList();
}
