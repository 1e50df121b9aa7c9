using System.Globalization;

namespace Distill.Teachers;

/// <summary>
/// How long a teacher file may take to answer its first batch (two inputs of zeros) when it is
/// loaded: $DISTILL_TEACHER_TIMEOUT seconds, 60 by default, 0 for no limit. An ONNX or TorchScript
/// file is a graph or a program whose run time nothing bounds (an ONNX Loop may iterate 2^62 times),
/// and a load that never returns is worse than a refusal. Real classifiers answer two inputs in well
/// under a second, so the default is reached only by a broken or hostile file. A variable rather
/// than an option because every path that loads a teacher (distill, compare, eval, run, deploy,
/// experiment files) shares it.
/// </summary>
public static class TeacherTimeLimit
{
    public const string Variable = "DISTILL_TEACHER_TIMEOUT";

    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    /// <summary>The limit in force; null when $DISTILL_TEACHER_TIMEOUT is 0 (no limit).</summary>
    public static TimeSpan? Current => Parse(Environment.GetEnvironmentVariable(Variable));

    internal static TimeSpan? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Default;
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds)
            || seconds < 0 || seconds > TimeSpan.FromDays(1).TotalSeconds)
            throw new DistillException($"{Variable}='{value}' is not a number of seconds between 0 (no limit) and 86400.");
        return seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The refusal for a teacher stopped at the limit.</summary>
    internal static DistillException Exceeded(string path, TimeSpan limit) =>
        new($"The teacher '{path}' did not answer a first batch of 2 inputs within {limit.TotalSeconds:0.###} s and was stopped; a classifier answers in well under a second, so the file is broken or hostile (if it is only slow, raise the limit with {Variable}=SECONDS, 0 for none).");
}
