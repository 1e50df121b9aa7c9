using System.CommandLine;
using Distill.DataFree;

namespace Distill.Cli.Commands;

/// <summary>--data-free and its knobs: a student distilled from the teacher alone (DAFL, Zero-Shot KD, DeepInversion).</summary>
internal sealed class DataFreeOptionSet
{
    private readonly Option<string?> _method = new("--data-free")
    {
        Description = "Distil without training data, from the teacher alone: dafl (a generator trained against the teacher), zskd (Zero-Shot KD's data impressions) or deepinversion (impressions under the batch-norm statistic loss; a teacher with batch norm). The data set names the input shape, the classes and the test set; the student reads no training row, and `distill` reads the test files alone (an IDX folder's t10k files suffice; docs/methods.md). The teacher must give input gradients: not ONNX.",
        HelpName = "METHOD",
    };

    private readonly Option<int?> _steps = new("--steps-per-epoch") { Description = "dafl: generator and student steps per epoch (default 120, the paper's)." };
    private readonly Option<int?> _impressions = new("--impressions") { Description = "zskd, deepinversion: how many impressions to make (default 2400)." };
    private readonly Option<int?> _impressionSteps = new("--impression-steps") { Description = "zskd, deepinversion: optimisation steps per batch of impressions (default 1500, Zero-Shot KD's)." };
    private readonly Option<double?> _batchNorm = new("--bn-weight") { Description = "Weight of DeepInversion's batch-norm statistic loss, also on dafl and zskd (default 1 for deepinversion, else 0); needs a teacher with batch norm." };
    private readonly Option<double?> _activation = new("--activation-weight") { Description = "dafl: weight of the activation loss on the teacher's penultimate features (default 0.1; 0 for a TorchScript teacher)." };

    public DataFreeOptionSet(Command command)
    {
        foreach (var option in new Option[] { _method, _steps, _impressions, _impressionSteps, _batchNorm, _activation }) command.Add(option);
    }

    /// <summary>The options given, or null without --data-free; a knob without --data-free is refused.</summary>
    public DataFreeOptions? Read(ParseResult parse)
    {
        if (parse.GetValue(_method) is not { } method)
        {
            if (new Option[] { _steps, _impressions, _impressionSteps, _batchNorm, _activation }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } stray)
                throw new DistillException($"{stray.Name} sets up data-free distillation, so it needs --data-free dafl, zskd or deepinversion.");
            return null;
        }
        var defaults = new DataFreeOptions();
        var options = new DataFreeOptions
        {
            Method = method.Trim().ToLowerInvariant(),
            StepsPerEpoch = parse.GetValue(_steps) ?? defaults.StepsPerEpoch,
            Impressions = parse.GetValue(_impressions) ?? defaults.Impressions,
            ImpressionSteps = parse.GetValue(_impressionSteps) ?? defaults.ImpressionSteps,
            BatchNormWeight = parse.GetValue(_batchNorm),
            ActivationWeight = parse.GetValue(_activation) ?? defaults.ActivationWeight,
        };
        options.Validate();
        return options;
    }
}
