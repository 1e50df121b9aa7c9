using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Runs;
using Distill.Studies;

namespace Distill.Reports;

/// <summary>
/// Reads a finished run's results back (for `distill report`): experiment.json from `distill run`,
/// else results.json, checked by <see cref="ResultsCheck"/> and with its paths resolved against the
/// folder. A results.json written before runs had one result model (a flat list of "models") is read
/// too, so the committed run folders of older releases still rebuild their reports.
/// </summary>
public static class ResultsReader
{
    public static ExperimentResult Read(string folder)
    {
        var path = Path.Combine(folder, ExperimentResult.FileName);
        if (!File.Exists(path)) path = Path.Combine(folder, ExperimentResult.ResultsFileName);
        if (!File.Exists(path))
            throw new DistillException($"The folder '{folder}' has neither {ExperimentResult.FileName} nor {ExperimentResult.ResultsFileName}; is it a finished run?");
        var result = IsFlatList(path) ? FromFlatList(path, folder) : Json.Read<ExperimentResult>(path, "results");
        ResultsCheck.Check(result, path);
        return RunPaths.Resolved(result, folder);
    }

    private static bool IsFlatList(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject node && node.ContainsKey("models");
        }
        catch (JsonException)
        {
            // Json.Read names the broken position.
            return false;
        }
    }

    /// <summary>The older results.json: its models sorted into teacher, members, the one point's pair and its others by their roles.</summary>
    private static ExperimentResult FromFlatList(string path, string folder)
    {
        var stored = Json.Read<FlatResults>(path, "results");
        ResultsCheck.Check(stored.Models, path);
        var models = stored.Models;
        var teacher = models.FirstOrDefault(m => m.Role == ModelRole.Teacher);
        var scratch = models.FirstOrDefault(m => m.Role == ModelRole.Scratch);
        var distilled = models.FirstOrDefault(m => m.Role == ModelRole.Distilled);
        // Seed and validation split come from the run's config.json, when it has one.
        var config = Path.Combine(folder, "config.json");
        var node = File.Exists(config) ? JsonNode.Parse(File.ReadAllText(config)) : null;
        var seed = (int?)node?["studentTraining"]?["seed"] ?? 1;
        var members = models.Where(m => m.Role is ModelRole.Member or ModelRole.SweepTeacher).ToList();
        IReadOnlyList<PointRun> runs = teacher is not null && scratch is not null && distilled is not null
            ? [new PointRun(SweepPoint.Base, seed, scratch, distilled, stored.RunDirectory) { Others = models.Where(m => m != distilled && m.Role is ModelRole.Assistant or ModelRole.Distilled).ToList() }]
            : [];
        var paired = runs.SelectMany(r => (IEnumerable<ModelOutcome>)[r.Scratch, r.Distilled, .. r.Others]).Concat(members).Append(teacher).ToHashSet();
        return new ExperimentResult("Distillation study", null, stored.RunDirectory, stored.Dataset, stored.TestCount,
            (int)(stored.ValidationCount ?? (int?)node?["validationCount"] ?? 0), [seed], [], teacher, runs,
            RepeatCommand.Read(folder) ?? "distill compare (its flags are in config.json)", stored.Finished)
        {
            ClassNames = stored.ClassNames,
            Members = members,
            Unpaired = models.Where(m => !paired.Contains(m)).ToList(),
        };
    }

    /// <summary>The shape of the older results.json, read only to convert it.</summary>
    private sealed record FlatResults(string RunDirectory, string Dataset, long TestCount, IReadOnlyList<ModelOutcome> Models, DateTimeOffset Finished)
    {
        public IReadOnlyList<string>? ClassNames { get; init; }

        public long? ValidationCount { get; init; }
    }
}
