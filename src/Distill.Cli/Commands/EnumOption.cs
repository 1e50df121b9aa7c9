using System.CommandLine;
using Distill.Runs;

namespace Distill.Cli.Commands;

/// <summary>
/// A flag whose value is an enum member, spelt as <see cref="EnumNames"/> spells it everywhere
/// (<c>sgd|adam|adamw</c>): the same words in help, errors and experiment files.
/// </summary>
internal static class EnumOption
{
    public static Option<string> Create<T>(string name, string description, T defaultValue) where T : struct, Enum
    {
        var names = EnumNames.All<T>();
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => EnumNames.Name(defaultValue),
        };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!EnumNames.TryParse<T>(text, out _))
                result.AddError($"{name} must be one of {string.Join(", ", names)}, not '{text}'");
        });
        return option;
    }

    /// <summary>The member a validated option names.</summary>
    public static T Read<T>(ParseResult result, Option<string> option) where T : struct, Enum =>
        EnumNames.TryParse<T>(result.GetValue(option), out var value) ? value : throw new DistillException($"{option.Name} must be one of {string.Join(", ", EnumNames.All<T>())}.");
}
