using System.CommandLine;
using Distill.Cli.Commands;

namespace Distill.Cli;

/// <summary>
/// The distill command line: parse, then act. Every action returns an exit code; a
/// <see cref="DistillException"/> becomes one sentence on standard error and exit code 1.
/// </summary>
public static class CliApplication
{
    public const int UserError = 1;
    public const int InternalError = 70;

    /// <param name="output">Where results go (tables, JSON): standard output.</param>
    /// <param name="diagnostics">Where progress and errors go: standard error.</param>
    public static int Run(string[] args, TextWriter output, TextWriter diagnostics)
    {
        var context = new CliContext(output, diagnostics);
        var (root, wide) = Build(context);
        HelpGroups.Install(root, context.Width);
        var configuration = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = output,
            Error = diagnostics,
        };
        try
        {
            var parsed = root.Parse(args);
            // The parser's own report is the error plus the whole help text; ours is one sentence.
            if (parsed.Errors.Count > 0 && args.Length > 0 && !args.Contains("--help") && !args.Contains("-h"))
                return context.Fail(Suggestions.ForUnmatched(parsed) ?? OneSentence(parsed.Errors[0].Message, OptionOf(parsed.Errors[0])));
            context.Wide = parsed.GetValue(wide);
            DeviceOption.Apply(parsed);
            // Every tensor the command makes on this thread belongs to a dispose scope until the command
            // ends, so none is left to the finalizer: one that nothing holds can be freed by a collection
            // while libtorch still reads it (a chained temporary such as a.ge(0).sum()), which crashed
            // about one terminal quickstart in four. What a command disposes itself leaves this scope then.
            using var tensors = TorchSharp.torch.NewDisposeScope();
            return parsed.Invoke(configuration);
        }
        catch (DistillException e)
        {
            return context.Fail(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            return context.Fail("Cancelled.");
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("DISTILL_DEBUG") is null)
        {
            context.Fail($"Unexpected failure ({e.GetType().Name}): {e.Message.Split('\n')[0]} Set DISTILL_DEBUG=1 for details.");
            return InternalError;
        }
    }

    /// <summary>
    /// The parser's message as one sentence. It ends a message in a list of lines in two ways: "... Did
    /// you mean one of the following?\nA\nB" and "Argument 'x' not recognized. Must be one of:\n\t'a'\n\t'b'";
    /// both lists are kept, joined on the line. The flag is named when the message does not name it.
    /// </summary>
    /// <summary>The command tree, bound to <paramref name="context"/>, and the global --wide option.</summary>
    internal static (RootCommand Root, Option<bool> Wide) Build(CliContext context)
    {
        var root = new RootCommand("Distill: knowledge distillation for .NET. Train a teacher, distill a student, compare them.")
        {
            DataCommand.Create(context),
            TrainCommand.Create(context),
            DistillCommand.Create(context),
            EvalCommand.Create(context),
            CompareCommand.Create(context, "compare", "Run a whole study: teacher, the student from scratch, the student distilled; compare all three."),
            CompareCommand.Create(context, "quickstart", "The built-in study on MNIST with defaults: fetches the data, trains, distills and compares (a few minutes)."),
            RunCommand.Create(context),
            MergeCommand.Create(context),
            ReportCommand.Create(context),
            ExportCommand.Create(context),
            LatencyCommand.Create(context),
            PruneCommand.Create(context),
            DeployCommand.Create(context),
            MethodsCommand.Create(context),
            ModelsCommand.Create(context),
        };
        var wide = new Option<bool>(CliContext.WideFlag)
        {
            Description = "Print every column of every table, however wide, instead of fitting the terminal (or COLUMNS, or 80 when piped).",
            Recursive = true,
        };
        root.Options.Add(wide);
        root.Options.Add(DeviceOption.Create());
        return (root, wide);
    }

    private static string OneSentence(string message, string? option)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var first = lines[0];
        var typeAt = first.IndexOf(" as expected type", StringComparison.Ordinal);
        var suggestionAt = first.IndexOf(" Did you mean", StringComparison.Ordinal);
        var head = (typeAt > 0 ? first[..typeAt] : suggestionAt > 0 ? first[..suggestionAt] : first).TrimEnd('.', ':');
        var sentence = lines.Length <= 1 ? head
            : suggestionAt > 0 ? $"{head}; expected one of: {string.Join(", ", lines.Skip(1))}"
            : first.EndsWith(':') ? $"{head}: {string.Join(", ", lines.Skip(1))}"
            : head;
        return option is not null && !sentence.Contains(option, StringComparison.Ordinal) ? $"{sentence} ({option})." : sentence + ".";
    }

    /// <summary>The flag a parse error is about, when it is about one.</summary>
    private static string? OptionOf(System.CommandLine.Parsing.ParseError error) => error.SymbolResult switch
    {
        System.CommandLine.Parsing.OptionResult option => option.Option.Name,
        System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult option } => option.Option.Name,
        _ => null,
    };
}
