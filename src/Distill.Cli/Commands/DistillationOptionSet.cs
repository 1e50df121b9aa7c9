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
    private readonly Option<string[]> _methodOptions;

    public DistillationOptionSet(Command command, DistillationOptions defaults)
    {
        _method = new Option<string>("--method") { Description = "Distillation method(s), joined by '+': " + string.Join(", ", MethodRegistry.All.Select(m => m.Name)) + " (see 'methods').", DefaultValueFactory = _ => defaults.Method };
        _temperature = new Option<double>("--temperature", "-T") { Description = "Softmax temperature of kd's soft targets.", DefaultValueFactory = _ => defaults.Temperature };
        _hardWeight = new Option<double?>("--hard-weight") { Description = "Weight of the cross-entropy with the true labels (default: the first method's, 0.1 for kd, 1 for feature methods)." };
        _softWeight = new Option<double>("--soft-weight") { Description = "Weight of kd's T²-scaled KL to the teacher's soft targets.", DefaultValueFactory = _ => defaults.SoftTargetWeight };
        _methodOptions = new Option<string[]>("--method-option") { Description = "A method's option as METHOD.KEY=VALUE, e.g. at.attentionWeight=500 or at.studentLayers=[\"act2\"]; repeatable.", AllowMultipleArgumentsPerToken = false };
        command.Add(_method);
        command.Add(_temperature);
        command.Add(_hardWeight);
        command.Add(_softWeight);
        command.Add(_methodOptions);
    }

    public DistillationOptions Read(ParseResult result)
    {
        var options = new DistillationOptions
        {
            Method = result.GetValue(_method)!,
            Temperature = result.GetValue(_temperature),
            HardLabelWeight = result.GetValue(_hardWeight),
            SoftTargetWeight = result.GetValue(_softWeight),
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
        options.Validate();
        return options;
    }
}
