using System.CommandLine;
using System.CommandLine.Parsing;
using Distill.Deployment;
using Distill.Export;
using Distill.Pruning;

namespace Distill.Cli.Commands;

/// <summary>The options <c>deploy</c> and <c>prune</c> share: pruning scope, fine-tuning, calibration and timing.</summary>
internal sealed class EdgeOptionSet
{
    private readonly Option<string> _scope = new("--scope") { Description = "Magnitude threshold over the whole model (global) or per layer (layer).", DefaultValueFactory = _ => "global" };
    private readonly Option<int> _epochs = new("--epochs") { Description = "Epochs of fine-tuning after pruning.", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _fineTune = new("--fine-tune") { Description = "What the pruned models fine-tune on: teacher (distillation from the run's teacher, with its method) or labels (cross-entropy alone).", DefaultValueFactory = _ => "teacher" };
    private readonly Option<bool> _qat = new("--qat") { Description = "Fine-tune the pruned models quantization-aware (docs/qat.md); prune then writes each as int8 QDQ ONNX on its observed ranges." };
    private readonly Option<string> _calibration = new("--calibration") { Description = "Int8 activation ranges: minmax or percentile.", DefaultValueFactory = _ => "minmax" };
    private readonly Option<int> _calibrationRows = new("--calibration-rows") { Description = "Training rows run through the float model to calibrate int8.", DefaultValueFactory = _ => 1000 };
    private readonly Option<double> _seconds = new("--seconds") { Description = "Time each model and batch size for at least this long (and at least 200 runs).", DefaultValueFactory = _ => 0.5 };
    private readonly Option<int?> _threads = new("--threads") { Description = "Threads for both runtimes while timing; default: each runtime's own." };
    private readonly Option<bool> _resume = new("--resume") { Description = "Continue an interrupted run of this command on RUN_DIR (give the same options): finished models are reused, an interrupted fine-tune continues from its last whole epoch." };

    public EdgeOptionSet()
    {
        _scope.AcceptOnlyFromAmong("global", "layer");
        _calibration.AcceptOnlyFromAmong("minmax", "percentile");
        _fineTune.AcceptOnlyFromAmong("teacher", "labels");
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _scope, _epochs, _fineTune, _qat, _calibration, _calibrationRows, _seconds, _threads, _resume }) command.Add(option);
    }

    /// <summary>True when the command continues an interrupted run (--resume).</summary>
    public bool Resume(ParseResult parse) => parse.GetValue(_resume);

    /// <summary>The command line that continues this run after an interruption: the same words, with --resume.</summary>
    public string ResumeCommand(ParseResult parse, Command command)
    {
        var words = parse.Tokens.Where(t => t.Type != TokenType.Command && t.Value != CliContext.WideFlag).Select(t => t.Value).ToList();
        if (!words.Contains(_resume.Name)) words.Add(_resume.Name);
        return string.Join(' ', new[] { "distill", command.Name }.Concat(words.Select(Runs.RepeatCommand.Quote)));
    }

    public EdgeOptions Read(ParseResult parse, double sparsity, double channels)
    {
        var seconds = parse.GetValue(_seconds);
        var options = new EdgeOptions
        {
            Sparsity = sparsity,
            ChannelFraction = channels,
            Scope = parse.GetValue(_scope) == "layer" ? PruningScope.PerLayer : PruningScope.Global,
            FineTuneEpochs = parse.GetValue(_epochs),
            FineTune = parse.GetValue(_fineTune) == "labels" ? FineTuneSource.Labels : FineTuneSource.Teacher,
            QuantizationAware = parse.GetValue(_qat),
            Quantization = new QuantizationOptions
            {
                Calibration = parse.GetValue(_calibration) == "percentile" ? CalibrationMethod.Percentile : CalibrationMethod.MinMax,
                CalibrationRows = parse.GetValue(_calibrationRows),
            },
            Latency = new LatencyOptions { MinimumRuns = 200, MinimumSeconds = seconds, MaximumSeconds = Math.Max(10, seconds), Threads = parse.GetValue(_threads) },
        };
        options.Validate();
        return options;
    }
}
