using System.CommandLine;

namespace Distill.Cli.Commands;

/// <summary>--assembly: the file holding a user module's type, for commands that load saved models.</summary>
internal static class AssemblyOption
{
    public static Option<string?> Create() => new("--assembly")
    {
        Description = "The .NET assembly (.dll) holding the type of a model saved from a module of your own (its card names the type); Distill loads code only from a file named here.",
    };
}
