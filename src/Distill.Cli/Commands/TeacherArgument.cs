using System.CommandLine;
using Distill.Export;
using Distill.Teachers;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>What --teacher names: a file as it is, or a run folder's teacher; and the flags a loaded teacher makes moot.</summary>
internal static class TeacherArgument
{
    /// <summary>The teacher's weights file; for a run folder, says on standard error which file it took.</summary>
    public static string? Resolve(CliContext context, string? given)
    {
        if (given is null) return null;
        if (ImportedTeacher.IsImported(given) && !File.Exists(given)) throw ModelLocator.Missing("teacher", given);
        var path = ModelLocator.ResolveTeacher(given);
        if (!string.Equals(Path.GetFullPath(path), Path.GetFullPath(given), StringComparison.Ordinal))
            context.Diagnostics.MarkupLine("[grey]" + Markup.Escape($"Teacher: {path} (from the run folder '{given}').") + "[/]");
        return path;
    }

    /// <summary>Says that flags given for a trained teacher do nothing when the teacher is loaded.</summary>
    public static void WarnIgnored(CliContext context, ParseResult parse, string teacherPath, IEnumerable<Option> teacherFlags)
    {
        var given = teacherFlags.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (given.Count == 0) return;
        context.Diagnostics.MarkupLine("[yellow]warning:[/] " + Markup.Escape(
            $"{string.Join(", ", given)} {(given.Count == 1 ? "is" : "are")} ignored: the teacher is loaded from '{teacherPath}', not trained."));
    }
}
