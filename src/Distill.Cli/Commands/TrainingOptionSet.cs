using System.CommandLine;
using Distill.Training;

namespace Distill.Cli.Commands;

/// <summary>
/// The flags that shape one training run, optionally prefixed (--teacher-epochs,
/// --student-lr) when a command trains several models. A value the options refuse is reported
/// with the flag that gave it.
/// </summary>
internal sealed class TrainingOptionSet
{
    private readonly TrainingOptions _defaults;
    private readonly List<(Option Option, Func<ParseResult, TrainingOptions, TrainingOptions> Apply)> _flags = [];

    public TrainingOptionSet(Command command, string prefix, string who, TrainingOptions defaults)
    {
        _defaults = defaults;
        Option<T> Add<T>(string name, string description, T value, Func<TrainingOptions, T, TrainingOptions> apply)
        {
            var option = new Option<T>($"--{prefix}{name}") { Description = $"{description} ({who}).", DefaultValueFactory = _ => value };
            command.Add(option);
            _flags.Add((option, (result, options) => apply(options, result.GetValue(option)!)));
            return option;
        }
        void AddEnum<T>(string name, string description, T value, Func<TrainingOptions, T, TrainingOptions> apply) where T : struct, Enum
        {
            var option = EnumOption.Create($"--{prefix}{name}", $"{description} ({who}).", value);
            command.Add(option);
            _flags.Add((option, (result, options) => apply(options, EnumOption.Read<T>(result, option))));
        }

        Add("epochs", "Passes over the training set", defaults.Epochs, (o, v) => o with { Epochs = v });
        Add("batch-size", "Examples per step", defaults.BatchSize, (o, v) => o with { BatchSize = v });
        AddEnum("optimizer", "Optimizer", defaults.Optimizer.Kind, (o, v) => o with { Optimizer = o.Optimizer with { Kind = v } });
        Add("lr", "Initial learning rate", defaults.Optimizer.LearningRate, (o, v) => o with { Optimizer = o.Optimizer with { LearningRate = v } });
        Add("momentum", "SGD momentum", defaults.Optimizer.Momentum, (o, v) => o with { Optimizer = o.Optimizer with { Momentum = v } });
        Add("nesterov", "Nesterov momentum (SGD)", defaults.Optimizer.Nesterov, (o, v) => o with { Optimizer = o.Optimizer with { Nesterov = v } });
        Add("weight-decay", "Weight decay", defaults.Optimizer.WeightDecay, (o, v) => o with { Optimizer = o.Optimizer with { WeightDecay = v } });
        AddEnum("schedule", "Learning-rate schedule", defaults.Schedule.Kind, (o, v) => o with { Schedule = o.Schedule with { Kind = v } });
        Add("step-epochs", "Epochs between decays of the step schedule", defaults.Schedule.StepEpochs, (o, v) => o with { Schedule = o.Schedule with { StepEpochs = v } });
        Add("gamma", "Decay factor of the step schedule", defaults.Schedule.Gamma, (o, v) => o with { Schedule = o.Schedule with { Gamma = v } });
        Add("patience", "Early stopping: epochs without a better validation accuracy, 0 = off", defaults.EarlyStoppingPatience, (o, v) => o with { EarlyStoppingPatience = v });
        Add("jitter", "Shift training images by up to this many pixels, 0 = off", defaults.JitterPixels, (o, v) => o with { JitterPixels = v });
        Add<string?>("augment", "Random transforms of the training batches, in order, e.g. crop:4,hflip,rotate:10,zoom:0.1,shear:5,brightness:0.2,vflip (docs/augmentation.md)", defaults.Augment, (o, v) => o with { Augment = v });
        Add("clip-grad", "Clip the gradient norm to this value, 0 = off", defaults.GradientClipNorm, (o, v) => o with { GradientClipNorm = v });
        AddEnum("precision", "Products of the training steps in float32 or bfloat16 (mixed: float32 weights)", defaults.Precision, (o, v) => o with { Precision = v });
        Add<string?>("weights", "Start from a PyTorch state_dict (.pt/.pth, torch.save(model.state_dict())) or .safetensors file, loaded by parameter name (torchvision:NAME specs take torchvision's); no code in the file runs", defaults.Weights, (o, v) => o with { Weights = v });
        Add("new-head", "Start the classifier head afresh when the weights file's head has another class count (ImageNet's 1000)", defaults.NewHead, (o, v) => o with { NewHead = v });
        Add<string?>("freeze", "Freeze these module paths, comma-separated (layer1,layer2.0), or all-but-head: no gradients, batch norm and dropout in eval", defaults.Freeze, (o, v) => o with { Freeze = v });
        Add("live-frozen-base", "Run a frozen base forward on every step instead of caching its outputs once (to time the cache)", defaults.LiveFrozenBase, (o, v) => o with { LiveFrozenBase = v });
        Add("head-lr", "Learning rate of the classifier head, 0 = the same as --lr", defaults.HeadLearningRate, (o, v) => o with { HeadLearningRate = v });
        Add("qat", "Train quantization-aware: int8 weights (per channel) and activations (observed ranges) simulated in every step, so export --int8 keeps the accuracy; docs/qat.md", defaults.QuantizationAware, (o, v) => o with { QuantizationAware = v });
        Add("freeze-layers", "Freeze the first N named top-level layers (no gradients, batch norm in eval), 0 = none", defaults.FreezeLayers, (o, v) => o with { FreezeLayers = v });
    }

    /// <summary>The flags of this set, in the order help lists them.</summary>
    public IReadOnlyList<Option> Options => [.. _flags.Select(f => f.Option)];

    public TrainingOptions Read(ParseResult result, int seed)
    {
        var options = _flags.Aggregate(_defaults with { Seed = seed }, (o, flag) => flag.Apply(result, o));
        var refusal = Refusal(options);
        if (refusal is null) return options;
        // Name the flag(s) whose value alone, on top of the defaults, draws the same refusal;
        // a refusal of a combination (--nesterov with adam) names the flags given.
        var blamed = _flags.Where(f => Refusal(f.Apply(result, _defaults)) == refusal).Select(f => f.Option.Name).ToList();
        if (blamed.Count == 0) blamed = [.. _flags.Where(f => result.GetResult(f.Option) is { Implicit: false }).Select(f => f.Option.Name)];
        throw OptionRefusal.Naming(refusal, blamed);
    }

    private static string? Refusal(TrainingOptions options) => OptionRefusal.Of(options.Validate);
}
