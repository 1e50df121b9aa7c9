using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Experiments;
using Distill.Experiments.Shards;
using Distill.Runs;

namespace Distill.Cli.Commands;

/// <summary>
/// run's flags for spreading an experiment over processes and machines (docs/scale.md): --shard,
/// --stage, --merge and --plan. The run folder is shared storage every shard sees.
/// </summary>
internal sealed class ShardOptionSet
{
    private readonly Option<string?> _shard = new("--shard")
    {
        Description = "Run only shard i of n (0/4 .. 3/4: point k goes to shard k mod n), or auto from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX/JOB_COMPLETIONS; finished points are skipped, killed ones resumed.",
    };
    private readonly Option<string> _stage = EnumOption.Create<ShardStage>("--stage",
        "With shards: teacher (only the roles every point shares), points (only this shard's points; the teacher stage must be done) or all.", ShardStage.All);
    private readonly Option<bool> _merge = new("--merge") { Description = "Build experiment.json, the tables and the report from the finished shards in the run folder (as distill merge)." };
    private readonly Option<bool> _plan = new("--plan") { Description = "Print the points, shards, stages and an estimate of CPU time per point from a one-batch probe; train nothing." };

    public ShardOptionSet(Command command)
    {
        foreach (var option in new Option[] { _shard, _stage, _merge, _plan }) command.Add(option);
    }

    /// <summary>True when the command line asks for one of these ways of running rather than the whole experiment at once.</summary>
    public bool Applies(ParseResult parse) =>
        parse.GetValue(_shard) is not null || parse.GetResult(_stage) is { Implicit: false } || parse.GetValue(_merge) || parse.GetValue(_plan);

    public int Run(CliContext context, ParseResult parse, Experiment experiment, string path, bool json)
    {
        if (parse.GetValue(_plan))
        {
            var shard = parse.GetValue(_shard);
            return PlanView.Show(context, experiment, shard is null ? null : ShardSpec.Parse(shard));
        }
        if (parse.GetValue(_merge)) return MergeCommand.Merge(context, path, json);
        var spec = ShardSpec.Parse(parse.GetValue(_shard) ?? "0/1");
        using var folder = RunFolder.Shared(path);
        var stage = EnumOption.Read<ShardStage>(parse, _stage);
        var outcome = folder.Run(_ => ProgressView.Run(context.Diagnostics, observer => new ShardRunner(experiment, observer).Run(folder, spec, stage)));
        ShardView.Show(context, outcome, path, json);
        if (outcome.Failed.Count > 0)
            throw new DistillException($"{outcome.Failed.Count} unit(s) of shard {spec} failed ({string.Join(", ", outcome.Failed.Select(f => f.Folder))}); each unit's {WorkUnit.FailureFile} holds its error, and running the shard again retries them.");
        return 0;
    }
}
