using System.CommandLine;
using System.CommandLine.Parsing;
using Distill.Runs;

namespace Distill.Cli.Commands;

/// <summary>Flags every run shares: data, seed, output folder, resume, JSON output.</summary>
internal sealed class RunOptionSet
{
    private readonly DataOptionSet _data;
    private readonly Option<int?> _validation = new("--validation")
    {
        Description = $"Training rows held out for model selection and early stopping when the data has no validation part of its own (IDX, CIFAR; image folders and CSV files bring theirs); default: {Studies.ValidationSplit.DefaultText}.",
    };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed for initialisation, shuffling, dropout and the validation split.", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> _out = new("--out", "-o") { Description = "Run folder to create; default: runs/<command>-<time>." };
    private readonly Option<bool> _force = new("--force") { Description = "Replace the run folder if it already exists." };
    private readonly Option<bool> _json = new("--json") { Description = "Print the results as JSON on standard output (progress goes to standard error)." };
    private readonly Option<string?> _resume = new("--resume") { Description = "Continue the interrupted run in this folder from its last whole epoch, with the options it started with." };

    /// <param name="withTransfer">True for commands that distil: they take --transfer and --labeled-fraction.</param>
    public RunOptionSet(Command command, bool withTransfer = false)
    {
        _data = new DataOptionSet(command, "mnist", withTransfer: withTransfer);
        _validation.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } count and <= 0)
                result.AddError($"The validation split must hold at least 1 row, not {count} (--validation).");
        });
        foreach (var option in new Option[] { _validation, _seed, _out, _force, _json, _resume }) command.Add(option);
    }

    /// <summary>
    /// Options a new run needs but a resumed one takes from its saved command line: required
    /// unless --resume is given.
    /// </summary>
    public void RequireUnlessResuming(Command command, params Option[] options)
    {
        command.Validators.Add(result =>
        {
            if (result.GetResult(_resume) is not null) return;
            foreach (var option in options.Where(o => result.GetResult(o) is null))
                result.AddError($"Option '{option.Name}' is required.");
        });
    }

    /// <summary>The flags that choose the data and its validation split, in help order.</summary>
    public IReadOnlyList<Option> DataOptions => [.. _data.Options, _validation];

    /// <summary>The flags of the run itself: seed, folder, resume, output.</summary>
    public IReadOnlyList<Option> RunOptions => [_seed, _out, _force, _resume, _json];

    /// <summary>The data the flags select.</summary>
    public Data.DataSelection Data(ParseResult result) => _data.Read(result);

    public int? ValidationCount(ParseResult result) => result.GetValue(_validation);

    public int Seed(ParseResult result) => result.GetValue(_seed);

    public bool Json(ParseResult result) => result.GetValue(_json);

    /// <summary>The command that continues the run in <paramref name="folder"/> after an interruption.</summary>
    public static string ResumeCommand(Command command, RunFolder folder) =>
        $"distill {command.Name} --resume {RepeatCommand.Quote(Path.GetRelativePath(Directory.GetCurrentDirectory(), folder.Path))}";

    /// <summary>The folder given to --resume, or null for a new run.</summary>
    public string? ResumeFolder(ParseResult result) => result.GetValue(_resume);

    /// <summary>
    /// For --resume, the run's saved command line parsed again (plus --json when asked now);
    /// otherwise the command line as given.
    /// </summary>
    public ParseResult Resolve(Command command, ParseResult result)
    {
        if (result.GetValue(_resume) is not { } folder) return result;
        var given = result.Tokens.Where(t => t.Type != TokenType.Command).Select(t => t.Value).ToList();
        if (given.Except([_resume.Name, folder, _json.Name, CliContext.WideFlag]).Any())
            throw new DistillException("--resume continues a run with the options it started with; pass no other options besides --json and --wide.");
        if (!Directory.Exists(folder)) throw new DistillException($"Run folder '{folder}' does not exist, so there is nothing to resume.");
        var saved = Runs.Json.Read<SavedCommandLine>(Path.Combine(folder, SavedCommandLine.FileName), "saved command line");
        if (saved.Command is null || saved.Arguments is null || saved.Arguments.Any(a => a is null))
            throw new DistillException($"The saved command line in '{folder}' is not valid.");
        if (saved.Command != command.Name)
            throw new DistillException($"Run folder '{folder}' holds a '{saved.Command}' run; resume it with 'distill {saved.Command} --resume'.");
        IReadOnlyList<string> arguments = [.. saved.Arguments, .. Json(result) ? [_json.Name] : Array.Empty<string>(), .. ChangedDefaults(command, folder, saved.Arguments)];
        var reparsed = command.Parse(arguments);
        if (reparsed.Errors.Count > 0 || reparsed.GetValue(_resume) is not null)
            throw new DistillException($"The saved command line in '{folder}' is not valid: {reparsed.Errors.FirstOrDefault()?.Message.Split('\n')[0] ?? "it asks to resume"}");
        return reparsed;
    }

    /// <summary>
    /// The flags a saved command line left to defaults that have changed since, with the values they
    /// had when it ran: kd's temperature warm-up was 0 before its default became 20 epochs.
    /// </summary>
    private static IEnumerable<string> ChangedDefaults(Command command, string folder, IReadOnlyList<string> saved)
    {
        const string warmup = "--temperature-warmup";
        if (command.Options.Any(o => o.Name == warmup) && !saved.Any(a => a == warmup || a.StartsWith(warmup + "=", StringComparison.Ordinal))
            && RunConfig.PredatesWarmupDefault(folder))
            return [warmup, "0"];
        return [];
    }

    /// <summary>
    /// The run folder, claimed for this process: for a new run, created (never over an existing one
    /// without --force) with the command line saved inside; for --resume, the existing folder.
    /// Run the work through <see cref="RunFolder.Run{T}"/> so a failed start leaves nothing behind.
    /// </summary>
    public RunFolder OpenFolder(ParseResult original, ParseResult resolved, Command command)
    {
        if (ResumeFolder(original) is { } folder) return RunFolder.Open(folder);
        var created = RunFolder.Claim(resolved.GetValue(_out) ?? RunFolder.DefaultPath(command.Name), resolved.GetValue(_force));
        // --wide is how this terminal shows the result, not part of the run.
        var arguments = resolved.Tokens.Where(t => t.Type != TokenType.Command && t.Value != CliContext.WideFlag).Select(t => t.Value).ToList();
        AtomicFile.WriteAllText(created.File(SavedCommandLine.FileName), Runs.Json.Serialize(new SavedCommandLine(command.Name, arguments)));
        return created;
    }
}
