using System.Globalization;
using Distill.Experiments;
using Distill.Experiments.Shards;
using Distill.Studies;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>run --plan: the stages, every point with its shard and estimated CPU time, and the shards' totals, before anything trains.</summary>
internal static class PlanView
{
    public static int Show(CliContext context, Experiment experiment, ShardSpec? shards)
    {
        var plan = ShardPlan.Of(experiment);
        var study = experiment.Study;
        ExperimentCost cost;
        using (var data = StudyData.Load(TeacherPlan.DataSelection(study), study.ValidationCount, experiment.Settings.Seeds[0], new Progress<string>(m => context.Diagnostics.WriteLine(m))))
            cost = ExperimentCost.Estimate(plan, data.Train.SampleShape, data.Info.ClassCount, data.Train.Count, data.Validation.Count);
        var count = shards?.Count ?? Math.Min(plan.Units.Count, 4);
        var output = context.Output;
        var baselines = plan.Units.Count - plan.PointCount;
        var units = baselines == 0 ? "" : $" and {baselines} shared scratch baseline(s): {plan.Units.Count} units";
        output.WriteLine($"{experiment.Settings.Name}: {plan.PointCount} points (point x seed){units}, {count} shards (unit k runs in shard k mod {count}).");
        output.WriteLine($"Stage 1, teacher: {string.Join(", ", plan.TeacherRoles.Select(r => r.Folder))}; estimated {Time(cost.TeacherStageSeconds)} CPU.");
        output.WriteLine("Stage 2, points (after stage 1; a shared scratch baseline needs no teacher and runs first):");
        var rows = cost.Units.Select(u => (IReadOnlyList<string>)[u.Unit.Folder, (u.Unit.Number % count).ToString(CultureInfo.InvariantCulture), string.Join(", ", u.Unit.Roles.Select(r => r.Folder[(r.Folder.LastIndexOf('/') + 1)..])), Time(u.Seconds)]).ToList();
        output.Write(FittedTable.Build("Points", ["Unit", "Shard", "Models", "CPU time"], rows, context.TableWidth));
        for (var i = 0; i < count; i++)
            output.WriteLine($"Shard {i}/{count}: {Time(cost.ShardSeconds(new ShardSpec(i, count)))} CPU.");
        output.WriteLine("Stage 3, merge: distill merge FOLDER. Estimates come from a one-batch probe per model on this machine; test evaluation and reports are left out.");
        return 0;
    }

    private static string Time(double seconds) =>
        seconds < 90 ? $"{seconds:0} s" : seconds < 5400 ? $"{seconds / 60:0.0} min" : $"{seconds / 3600:0.0} h";
}
