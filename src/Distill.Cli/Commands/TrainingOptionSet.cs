using System.CommandLine;
using Distill.Training;

namespace Distill.Cli.Commands;

/// <summary>
/// The flags that shape one training run, optionally prefixed (--teacher-epochs,
/// --student-lr) when a command trains several models.
/// </summary>
internal sealed class TrainingOptionSet
{
    private readonly Option<int> _epochs;
    private readonly Option<int> _batchSize;
    private readonly Option<OptimizerKind> _optimizer;
    private readonly Option<double> _learningRate;
    private readonly Option<double> _momentum;
    private readonly Option<bool> _nesterov;
    private readonly Option<double> _weightDecay;
    private readonly Option<ScheduleKind> _schedule;
    private readonly Option<int> _stepEpochs;
    private readonly Option<double> _gamma;
    private readonly Option<int> _patience;
    private readonly Option<int> _jitter;
    private readonly Option<string?> _augment;
    private readonly Option<double> _clip;
    private readonly Option<Precision> _precision;
    private readonly Option<int> _freezeLayers;

    public TrainingOptionSet(Command command, string prefix, string who, TrainingOptions defaults)
    {
        Option<T> Add<T>(string name, string description, T value)
        {
            var option = new Option<T>($"--{prefix}{name}") { Description = $"{description} ({who}).", DefaultValueFactory = _ => value };
            command.Add(option);
            return option;
        }

        _epochs = Add("epochs", "Passes over the training set", defaults.Epochs);
        _batchSize = Add("batch-size", "Examples per step", defaults.BatchSize);
        _optimizer = Add("optimizer", "sgd, adam or adamw", defaults.Optimizer.Kind);
        _learningRate = Add("lr", "Initial learning rate", defaults.Optimizer.LearningRate);
        _momentum = Add("momentum", "SGD momentum", defaults.Optimizer.Momentum);
        _nesterov = Add("nesterov", "Nesterov momentum (SGD)", defaults.Optimizer.Nesterov);
        _weightDecay = Add("weight-decay", "Weight decay", defaults.Optimizer.WeightDecay);
        _schedule = Add("schedule", "Learning-rate schedule: constant, step or cosine", defaults.Schedule.Kind);
        _stepEpochs = Add("step-epochs", "Epochs between decays of the step schedule", defaults.Schedule.StepEpochs);
        _gamma = Add("gamma", "Decay factor of the step schedule", defaults.Schedule.Gamma);
        _patience = Add("patience", "Early stopping: epochs without a better validation accuracy, 0 = off", defaults.EarlyStoppingPatience);
        _jitter = Add("jitter", "Shift training images by up to this many pixels, 0 = off", defaults.JitterPixels);
        _augment = Add<string?>("augment", "Random transforms of the training batches, in order, e.g. crop:4,hflip,rotate:10,zoom:0.1,shear:5,brightness:0.2,vflip (docs/augmentation.md)", defaults.Augment);
        _clip = Add("clip-grad", "Clip the gradient norm to this value, 0 = off", defaults.GradientClipNorm);
        _precision = Add("precision", "Products of the training steps in float32 or bfloat16 (mixed: float32 weights)", defaults.Precision);
        _freezeLayers = Add("freeze-layers", "Freeze the first N named top-level layers (no gradients, batch norm in eval), 0 = none", defaults.FreezeLayers);
    }

    public TrainingOptions Read(ParseResult result, int seed)
    {
        var options = new TrainingOptions
        {
            Epochs = result.GetValue(_epochs),
            BatchSize = result.GetValue(_batchSize),
            Optimizer = new OptimizerOptions
            {
                Kind = result.GetValue(_optimizer),
                LearningRate = result.GetValue(_learningRate),
                Momentum = result.GetValue(_momentum),
                Nesterov = result.GetValue(_nesterov),
                WeightDecay = result.GetValue(_weightDecay),
            },
            Schedule = new ScheduleOptions
            {
                Kind = result.GetValue(_schedule),
                StepEpochs = result.GetValue(_stepEpochs),
                Gamma = result.GetValue(_gamma),
            },
            EarlyStoppingPatience = result.GetValue(_patience),
            JitterPixels = result.GetValue(_jitter),
            Augment = result.GetValue(_augment),
            GradientClipNorm = result.GetValue(_clip),
            Precision = result.GetValue(_precision),
            FreezeLayers = result.GetValue(_freezeLayers),
            Seed = seed,
        };
        options.Validate();
        return options;
    }
}
