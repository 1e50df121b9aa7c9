using System.Globalization;
using Distill.Experiments;
using Distill.Runs;
using Distill.Studies;
using ScottPlot;

namespace Distill.Reports;

/// <summary>
/// The capacity gap (Cho and Hariharan 2019; Mirzadeh et al. 2020): for every teacher of a run that
/// has a capacity sweep, the accuracy of the same student distilled from it, against the teacher's own
/// accuracy (capacity.png) and as a table (capacity.md), with the scratch student as the floor.
/// </summary>
public static class CapacityReport
{
    public const string PlotFile = "capacity.png";
    public const string TableFile = "capacity.md";

    public static IReadOnlyList<string> Headers { get; } =
        ["Teacher", "Spec", "Parameters", "Teacher accuracy", "Student accuracy", "Student errors saved vs scratch"];

    /// <summary>One point per teacher: the teacher, and its students over seeds (with the scratch students of the same seeds).</summary>
    public static IReadOnlyList<(ModelOutcome Teacher, IReadOnlyList<ModelOutcome> Students, IReadOnlyList<ModelOutcome> Scratch)> Points(ExperimentResult result)
    {
        var teachers = new[] { result.ComparedTeacher }.Concat(result.Members.Where(m => m.Role == ModelRole.SweepTeacher));
        return teachers.Select(t =>
        {
            var runs = result.Runs.Select(r => (Run: r, Student: new[] { r.Distilled }.Concat(r.Others).FirstOrDefault(s => s.DistilledFrom == t.Label)))
                .Where(p => p.Student is not null).ToList();
            return (t, (IReadOnlyList<ModelOutcome>)runs.Select(p => p.Student!).ToList(), (IReadOnlyList<ModelOutcome>)runs.Select(p => p.Run.Scratch).ToList());
        }).Where(p => p.Item2.Count > 0).ToList();
    }

    public static bool Applies(ExperimentResult result) => result.Members.Any(m => m.Role == ModelRole.SweepTeacher);

    public static IReadOnlyList<IReadOnlyList<string>> Rows(ExperimentResult result) =>
        Points(result).OrderBy(p => p.Teacher.TestAccuracy).Select(p => (IReadOnlyList<string>)
        [
            "Teacher " + Name(p.Teacher),
            p.Teacher.Spec,
            p.Teacher.Parameters.ToString("N0", CultureInfo.InvariantCulture),
            (p.Teacher.TestAccuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%",
            MeanStd.Of(p.Students.Select(s => s.TestAccuracy)).Format("F2", 100, "%"),
            MeanStd.Of(p.Students.Zip(p.Scratch, (s, b) => (double)(b.TestErrors - s.TestErrors))).Format("0.#"),
        ]).ToList();

    /// <summary>A teacher as the plot and table name it: its spec, and for an early-stopped one the epoch it stopped at.</summary>
    private static string Name(ModelOutcome teacher)
    {
        const string stopped = " stopped at epoch ";
        var title = teacher.Title ?? "";
        var at = title.LastIndexOf(stopped, StringComparison.Ordinal);
        return at < 0 ? teacher.Spec : $"{teacher.Spec}{stopped}{title[(at + stopped.Length)..]}";
    }

    /// <summary>Writes capacity.png and capacity.md into <paramref name="folder"/>.</summary>
    public static void Write(ExperimentResult result, string folder)
    {
        var points = Points(result);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < points.Count; i++)
        {
            var (teacher, students, _) = points[i];
            var accuracy = MeanStd.Of(students.Select(s => s.TestAccuracy * 100));
            var marker = plot.Add.Marker(teacher.TestAccuracy * 100, accuracy.Mean);
            marker.Color = palette.GetColor(i);
            marker.Size = 10;
            if (accuracy.Count > 1)
            {
                var bar = plot.Add.ErrorBar([teacher.TestAccuracy * 100], [accuracy.Mean], [accuracy.Std]);
                bar.Color = palette.GetColor(i);
            }
            var label = plot.Add.Text(Name(teacher), teacher.TestAccuracy * 100, accuracy.Mean);
            label.LabelFontSize = 12;
            label.OffsetX = 8;
        }
        var scratch = MeanStd.Of(result.Runs.Select(r => r.Scratch.TestAccuracy * 100).Distinct());
        var floor = plot.Add.HorizontalLine(scratch.Mean);
        floor.LinePattern = LinePattern.Dashed;
        floor.LegendText = "student from scratch";
        plot.Title($"Capacity gap: {result.Runs[0].Scratch.Spec} student against its teacher");
        plot.XLabel("teacher test accuracy (%)");
        plot.YLabel("distilled student test accuracy (%)");
        plot.ShowLegend(Alignment.LowerRight);
        // Room for the labels right of the points.
        plot.Axes.Margins(0.2, 0.15);
        AtomicFile.WriteAllBytes(Path.Combine(folder, PlotFile), plot.GetImageBytes(900, 560, ImageFormat.Png));

        var document = new ReportDocument($"Capacity gap on {result.Dataset}")
            .Paragraph($"The same student ({result.Runs[0].Scratch.Spec}), distilled from each teacher; mean ± std over seeds {string.Join(", ", result.Seeds)}. " +
                       $"Student from scratch: {MeanStd.Of(result.Runs.Select(r => r.Scratch.TestAccuracy)).Format("F2", 100, "%")}. Rows in order of teacher accuracy.")
            .Table(Headers, Rows(result))
            .Image(PlotFile, "Distilled student accuracy against teacher accuracy");
        AtomicFile.WriteAllText(Path.Combine(folder, TableFile), document.ToMarkdown());
    }
}
