using Spectre.Console;
using System.CommandLine;
using System.Text.Json.Nodes;
using Distill.Experiments;
using Distill.Methods;
using Distill.Runs;

namespace Distill.Cli.Commands;

/// <summary>
/// The flags of distillation: the method(s), Hinton KD's temperature and weights, the hard-label
/// weight, and any method option as <c>--method-option at.attentionWeight=500</c>, read through the
/// same strict JSON path as experiment files so a misspelt option is named.
/// </summary>
internal sealed class DistillationOptionSet
{
    private readonly Option<string> _method;
    private readonly Option<double> _temperature;
    private readonly Option<double?> _hardWeight;
    private readonly Option<double> _softWeight;
    private readonly Option<int> _temperatureWarmup;
    private readonly Option<string[]> _methodOptions;
    private readonly Option<bool> _tune = new("--tune")
    {
        Description = "Choose kd's temperature (2, 4, 8) and soft weight (0.5, 0.7, 0.9; hard = 1 - soft) on the validation split by successive halving before the distilled student trains; every trial keeps --temperature-warmup, so a short trial is the start of the run it chooses for; the choice and every trial go to tune.json.",
    };

    public DistillationOptionSet(Command command, DistillationOptions defaults)
    {
        _method = new Option<string>("--method") { Description = "Distillation method(s), joined by '+': " + string.Join(", ", MethodRegistry.All.Select(m => m.Name)) + " (see 'methods').", DefaultValueFactory = _ => defaults.Method };
        _temperature = new Option<double>("--temperature", "-T") { Description = "Softmax temperature of kd's soft targets.", DefaultValueFactory = _ => defaults.Temperature };
        _hardWeight = new Option<double?>("--hard-weight") { Description = "Weight of the cross-entropy with the true labels (default: the first method's, 0.1 for kd, 1 for feature methods)." };
        _softWeight = new Option<double>("--soft-weight") { Description = "Weight of kd's T²-scaled KL to the teacher's soft targets.", DefaultValueFactory = _ => defaults.SoftTargetWeight };
        _temperatureWarmup = new Option<int>("--temperature-warmup") { Description = "Epochs over which kd's temperature rises linearly from 1 (first epoch) to -T (reached at epoch N+1); 0: T from the start, which loses to scratch on short budgets at T 4 (docs/methods.md).", DefaultValueFactory = _ => defaults.TemperatureWarmupEpochs };
        _methodOptions = new Option<string[]>("--method-option") { Description = "A method's option as METHOD.KEY=VALUE, e.g. at.attentionWeight=500 or at.studentLayers=[\"act2\"]; repeatable.", AllowMultipleArgumentsPerToken = false };
        command.Add(_method);
        command.Add(_temperature);
        command.Add(_hardWeight);
        command.Add(_softWeight);
        command.Add(_temperatureWarmup);
        command.Add(_methodOptions);
        command.Add(_tune);
    }

    /// <summary>The flags of this set, in the order help lists them.</summary>
    public IReadOnlyList<Option> Options => [_method, _temperature, _hardWeight, _softWeight, _temperatureWarmup, _tune, _methodOptions];

    /// <summary>The search --tune asks for, or null; says when it replaces a temperature or weight given by flag.</summary>
    public Studies.TuneOptions? Tune(ParseResult result, CliContext context)
    {
        if (!result.GetValue(_tune)) return null;
        var replaced = new Option[] { _temperature, _hardWeight, _softWeight }.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (replaced.Count > 0)
            context.Diagnostics.MarkupLine("[yellow]warning:[/] " + Markup.Escape(
                $"--tune chooses the temperature and weights, so {string.Join(", ", replaced)} {(replaced.Count == 1 ? "is" : "are")} ignored."));
        return new Studies.TuneOptions();
    }

    public DistillationOptions Read(ParseResult result)
    {
        var options = new DistillationOptions
        {
            Method = result.GetValue(_method)!,
            Temperature = result.GetValue(_temperature),
            HardLabelWeight = result.GetValue(_hardWeight),
            SoftTargetWeight = result.GetValue(_softWeight),
            TemperatureWarmupEpochs = result.GetValue(_temperatureWarmup),
        };
        var sets = result.GetValue(_methodOptions) ?? [];
        if (sets.Length > 0)
        {
            var node = JsonNode.Parse(Json.Serialize(options))!.AsObject();
            foreach (var set in sets)
            {
                var (key, value) = JsonOverrides.Parse(set);
                JsonOverrides.Apply(node, key, value);
            }
            options = ExperimentFile.ReadPart<DistillationOptions>(node, "--method-option");
        }
        var refusal = Refusal(options);
        if (refusal is null) return options;
        var alone = new DistillationOptions { Method = options.Method };
        var blamed = new (Option Option, DistillationOptions Options)[]
            {
                (_temperature, alone with { Temperature = options.Temperature }),
                (_hardWeight, alone with { HardLabelWeight = options.HardLabelWeight }),
                (_softWeight, alone with { SoftTargetWeight = options.SoftTargetWeight }),
                (_temperatureWarmup, alone with { TemperatureWarmupEpochs = options.TemperatureWarmupEpochs }),
            }
            .Where(c => result.GetResult(c.Option) is { Implicit: false } && Refusal(c.Options) is { } r && r == refusal)
            .Select(c => c.Option.Name).ToList();
        if (blamed.Count == 0 && refusal.Contains("cannot both be 0", StringComparison.Ordinal)) blamed = [_hardWeight.Name, _softWeight.Name];
        throw OptionRefusal.Naming(refusal, blamed);
    }

    private static string? Refusal(DistillationOptions options) => OptionRefusal.Of(options.Validate);
}
