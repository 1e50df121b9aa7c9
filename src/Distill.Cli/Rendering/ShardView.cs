using Distill.Experiments.Shards;
using Distill.Runs;
using Spectre.Console;

namespace Distill.Cli.Rendering;

/// <summary>What a shard did, one line per kind of point, or its <see cref="ShardOutcome"/> as JSON with --json.</summary>
internal static class ShardView
{
    public static void Show(CliContext context, ShardOutcome outcome, string folder, bool json)
    {
        if (json)
        {
            context.RawOutput.WriteLine(Json.Serialize(new
            {
                Shard = outcome.Shard.ToString(),
                outcome.Ran,
                outcome.AlreadyFinished,
                outcome.HeldElsewhere,
                Failed = outcome.Failed.Select(f => new { f.Folder, f.Error }),
            }));
            context.RawOutput.Flush();
            return;
        }
        context.Output.WriteLine($"Shard {outcome.Shard}: ran {outcome.Ran.Count}, already finished {outcome.AlreadyFinished.Count}, held by another process {outcome.HeldElsewhere.Count}, failed {outcome.Failed.Count}.");
        foreach (var (unit, error) in outcome.Failed) context.Output.WriteLine($"Failed {unit}: {error}");
        context.Output.WriteLine($"When every shard is done: distill merge {RepeatCommand.Quote(folder)}");
    }
}
