using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Data;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>data fetch: put a data set's verified IDX files into the cache; data inspect: show what a data path holds.</summary>
internal static class DataCommand
{
    public static Command Create(CliContext context)
    {
        var fetch = new Command("fetch", "Download a data set into the cache and verify its SHA-256 checksums.");
        var dataset = new Argument<string>("dataset") { Description = "mnist or fashion-mnist." };
        var from = new Option<string?>("--from") { Description = "Take the four IDX files (plain or .gz) from this folder instead of downloading." };
        var cache = new Option<string?>("--cache") { Description = "Cache folder; default: $DISTILL_DATA or ~/.cache/distill/data." };
        fetch.Add(dataset);
        fetch.Add(from);
        fetch.Add(cache);
        fetch.SetAction(parse =>
        {
            var info = DatasetInfo.Find(parse.GetValue(dataset)!);
            var messages = new Progress(context);
            var fetcher = new DatasetFetcher(parse.GetValue(cache) ?? DatasetFetcher.DefaultCacheRoot, messages);
            var folder = fetcher.Fetch(info, parse.GetValue(from));
            context.RawOutput.WriteLine(folder);
            return 0;
        });
        return new Command("data", "Manage and inspect data sets.") { fetch, Inspect(context), ExportImages(context) };
    }

    private static Command Inspect(CliContext context)
    {
        var inspect = new Command("inspect", "Show what a data path holds: the detected format, the classes with their counts, the image size or the columns.");
        var path = new Argument<string>("path") { Description = "An IDX folder, a CIFAR binary folder, an image folder or a CSV file." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var seed = new Option<int>("--seed") { Description = "Seed of the ratio split (image folders and CSV files).", DefaultValueFactory = _ => 1 };
        inspect.Add(path);
        var data = new DataOptionSet(inspect, "mnist", withPath: false);
        inspect.Add(seed);
        inspect.Add(json);
        inspect.SetAction(parse =>
        {
            var where = parse.GetValue(path)!;
            var selection = data.Read(parse) with { Path = where };
            using var loaded = DataSources.Load(selection.ToRequest(where, parse.GetValue(seed)));
            DataSummaryView.Show(context, DataSummary.Of(where, loaded), parse.GetValue(json));
            return 0;
        });
        return inspect;
    }

    private static Command ExportImages(CliContext context)
    {
        var command = new Command("export-images", "Write a data set out as an image folder: train/, val/ (when the source has one) and test/, one subfolder per class, one PNG per example.");
        var output = new Argument<string>("folder") { Description = "The folder to create (it must not exist or be empty)." };
        var limit = new Option<int?>("--limit") { Description = "Write at most this many examples of each part (the first ones)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the ratio split (image folders and CSV files).", DefaultValueFactory = _ => 1 };
        command.Add(output);
        var data = new DataOptionSet(command, "mnist");
        command.Add(limit);
        command.Add(seed);
        command.SetAction(parse =>
        {
            var selection = data.Read(parse);
            var messages = new Progress(context);
            var where = selection.Resolve(messages);
            using var loaded = DataSources.Load(selection.ToRequest(where, parse.GetValue(seed)));
            var count = ImageFolderExport.Write(loaded, parse.GetValue(output)!, parse.GetValue(limit), messages);
            context.RawOutput.WriteLine($"{count} images written to {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private sealed class Progress(CliContext context) : IProgress<string>
    {
        public void Report(string value) => context.Diagnostics.WriteLine(value);
    }
}
