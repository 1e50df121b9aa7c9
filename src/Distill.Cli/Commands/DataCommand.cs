using System.CommandLine;
using Distill.Data;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>data fetch: put a data set's verified IDX files into the cache.</summary>
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
        return new Command("data", "Manage data sets.") { fetch };
    }

    private sealed class Progress(CliContext context) : IProgress<string>
    {
        public void Report(string value) => context.Diagnostics.WriteLine(value);
    }
}
