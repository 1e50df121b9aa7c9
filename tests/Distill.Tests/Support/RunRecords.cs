using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Runs;

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

    /// <summary>Each model's title and test numbers from results.json, in table order.</summary>
    public static List<string> Accuracies(string run) =>
        Json.Read<ExperimentResult>(Path.Combine(run, ExperimentResult.ResultsFileName), "results").Models
            .Select(m => FormattableString.Invariant($"{m.Title} {m.TestAccuracy:R} {m.TestErrors} {m.LastEpochTestAccuracy:R}")).ToList();

    /// <summary>Every model of the run's results.json, in table order, as the JSON it is stored as.</summary>
    public static List<JsonNode> ModelNodes(string run) =>
        Json.Read<ExperimentResult>(Path.Combine(run, ExperimentResult.ResultsFileName), "results").Models
            .Select(m => JsonNode.Parse(Json.Serialize(m))!).ToList();
}
