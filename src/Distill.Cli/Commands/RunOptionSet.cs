using System.CommandLine;
using Distill.Runs;

namespace Distill.Cli.Commands;

/// <summary>Flags every run shares: data, seed, output folder, JSON output.</summary>
internal sealed class RunOptionSet
{
    private readonly Option<string> _dataset = new("--dataset") { Description = "Data set: mnist or fashion-mnist.", DefaultValueFactory = _ => "mnist" };
    private readonly Option<string?> _dataDir = new("--data-dir") { Description = "Folder with the four IDX files; default: the cache ($DISTILL_DATA), fetched when missing." };
    private readonly Option<int> _validation = new("--validation") { Description = "Training rows held out for model selection and early stopping.", DefaultValueFactory = _ => 5000 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed for initialisation, shuffling, dropout and the validation split.", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> _out = new("--out", "-o") { Description = "Run folder to create; default: runs/<command>-<time>." };
    private readonly Option<bool> _force = new("--force") { Description = "Replace the run folder if it already exists." };
    private readonly Option<bool> _json = new("--json") { Description = "Print the results as JSON on standard output (progress goes to standard error)." };

    public RunOptionSet(Command command)
    {
        foreach (var option in new Option[] { _dataset, _dataDir, _validation, _seed, _out, _force, _json }) command.Add(option);
    }

    public string Dataset(ParseResult result) => result.GetValue(_dataset)!;

    public string? DataDirectory(ParseResult result) => result.GetValue(_dataDir);

    public int ValidationCount(ParseResult result) => result.GetValue(_validation);

    public int Seed(ParseResult result) => result.GetValue(_seed);

    public bool Json(ParseResult result) => result.GetValue(_json);

    public RunFolder CreateFolder(ParseResult result, string defaultPrefix) =>
        RunFolder.Create(result.GetValue(_out) ?? RunFolder.DefaultPath(defaultPrefix), result.GetValue(_force));
}
