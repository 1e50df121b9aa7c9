using System.CommandLine;
using Distill.Losses;

namespace Distill.Cli.Commands;

/// <summary>The flags of logit distillation: temperature and the weight of each loss term.</summary>
internal sealed class DistillationOptionSet
{
    private readonly Option<double> _temperature;
    private readonly Option<double> _hardWeight;
    private readonly Option<double> _softWeight;

    public DistillationOptionSet(Command command, DistillationOptions defaults)
    {
        _temperature = new Option<double>("--temperature", "-T") { Description = "Softmax temperature of the soft targets.", DefaultValueFactory = _ => defaults.Temperature };
        _hardWeight = new Option<double>("--hard-weight") { Description = "Weight of the cross-entropy with the true labels.", DefaultValueFactory = _ => defaults.HardLabelWeight };
        _softWeight = new Option<double>("--soft-weight") { Description = "Weight of the T²-scaled KL to the teacher's soft targets.", DefaultValueFactory = _ => defaults.SoftTargetWeight };
        command.Add(_temperature);
        command.Add(_hardWeight);
        command.Add(_softWeight);
    }

    public DistillationOptions Read(ParseResult result)
    {
        var options = new DistillationOptions
        {
            Temperature = result.GetValue(_temperature),
            HardLabelWeight = result.GetValue(_hardWeight),
            SoftTargetWeight = result.GetValue(_softWeight),
        };
        options.Validate();
        return options;
    }
}
