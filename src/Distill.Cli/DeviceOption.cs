using System.CommandLine;
using Distill.Training;

namespace Distill.Cli;

/// <summary>--device on every command: where tensors live (cpu, cuda, cuda:N), applied before the command runs.</summary>
internal static class DeviceOption
{
    public const string Flag = "--device";

    public static Option<string?> Create()
    {
        var option = new Option<string?>(Flag)
        {
            Description = "Where models and tensors live: cpu (default), cuda or cuda:N (needs the CUDA build: dotnet build -p:TorchBackend=cuda; see docs/scale.md). An experiment file's device key, when --device is not given.",
            HelpName = "cpu|cuda|cuda:N",
            Recursive = true,
        };
        option.Validators.Add(result =>
        {
            try
            {
                ComputeDevice.Parse(result.GetValueOrDefault<string?>() ?? "cpu");
            }
            catch (DistillException e)
            {
                result.AddError(e.Message.TrimEnd('.') + $" ({Flag})");
            }
        });
        return option;
    }

    /// <summary>True when the command line names a device.</summary>
    public static bool IsGiven(ParseResult parse) => parse.GetValue<string?>(Flag) is not null;

    /// <summary>Uses the device the command line names, if it names one.</summary>
    public static void Apply(ParseResult parse)
    {
        if (parse.GetValue<string?>(Flag) is { } device) ComputeDevice.Use(device);
    }
}
