using System.Globalization;

namespace Distill.Experiments.Shards;

/// <summary>
/// Which share of an experiment's points one process runs: shard <see cref="Index"/> (from 0) of
/// <see cref="Count"/>. Point k of the plan (<see cref="ShardPlan.Units"/>, seeds outer, sweep
/// points inner) belongs to shard k mod <see cref="Count"/>, so every shard gets every n-th point and
/// the union of the shards is the whole experiment, each point once.
/// </summary>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>The whole experiment in one process.</summary>
    public static ShardSpec Whole { get; } = new(0, 1);

    public bool Owns(int unit) => unit % Count == Index;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// "i/n" (0 &lt;= i &lt; n), or "auto": the Slurm array task (SLURM_ARRAY_TASK_ID minus
    /// SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT) or the Kubernetes Indexed Job's
    /// JOB_COMPLETION_INDEX of JOB_COMPLETIONS (which the manifest sets to the Job's completions).
    /// </summary>
    public static ShardSpec Parse(string text, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (text == "auto") return FromEnvironment(environment);
        var slash = text.IndexOf('/');
        if (slash < 0 || !int.TryParse(text[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                      || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new DistillException($"The shard '{text}' is not i/n (such as 0/4) or auto (--shard).");
        return Checked(index, count, $"'{text}'");
    }

    private static ShardSpec FromEnvironment(Func<string, string?> environment)
    {
        if (environment("SLURM_ARRAY_TASK_ID") is { } task)
        {
            var id = Number(environment, "SLURM_ARRAY_TASK_ID", task);
            var min = environment("SLURM_ARRAY_TASK_MIN") is { } low ? Number(environment, "SLURM_ARRAY_TASK_MIN", low) : 0;
            var count = environment("SLURM_ARRAY_TASK_COUNT") is { } total
                ? Number(environment, "SLURM_ARRAY_TASK_COUNT", total)
                : throw new DistillException("--shard auto found SLURM_ARRAY_TASK_ID but no SLURM_ARRAY_TASK_COUNT; submit with sbatch --array=0-N.");
            return Checked(id - min, count, $"SLURM_ARRAY_TASK_ID={id} of SLURM_ARRAY_TASK_COUNT={count}");
        }
        if (environment("JOB_COMPLETION_INDEX") is { } completion)
        {
            var index = Number(environment, "JOB_COMPLETION_INDEX", completion);
            var count = environment("JOB_COMPLETIONS") is { } total
                ? Number(environment, "JOB_COMPLETIONS", total)
                : throw new DistillException("--shard auto found JOB_COMPLETION_INDEX but no JOB_COMPLETIONS; set it in the Job's env to spec.completions.");
            return Checked(index, count, $"JOB_COMPLETION_INDEX={index} of JOB_COMPLETIONS={count}");
        }
        throw new DistillException("--shard auto needs a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX); give --shard i/n elsewhere.");
    }

    private static int Number(Func<string, string?> environment, string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new DistillException($"The environment variable {name}='{value}' is not a whole number (--shard auto).");

    private static ShardSpec Checked(int index, int count, string source) =>
        count < 1 || index < 0 || index >= count
            ? throw new DistillException($"The shard {source} needs 0 <= i < n with n >= 1 (--shard).")
            : new ShardSpec(index, count);
}
