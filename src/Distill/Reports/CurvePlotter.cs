using Distill.Runs;
using Distill.Training;
using ScottPlot;

namespace Distill.Reports;

/// <summary>
/// Training curves as PNG files, drawn with ScottPlot. Quantities of different scales get their own
/// figure (a KD objective of ~4 beside cross-entropies of ~0.1 would flatten the latter). Legends
/// sit under the axes, never over the curves (the teacher's curves run along the top, where a
/// legend inside the axes hid them), and not beside them, which would narrow the side-by-side panels.
/// </summary>
public static class CurvePlotter
{
    private const int Width = 900;
    private const int Height = 600;

    /// <summary>Train (dashed) and validation (solid) accuracy per epoch, one colour per model.</summary>
    public static void Accuracy(IEnumerable<(string Label, IReadOnlyList<EpochRecord> History)> models, string path, string title = "Accuracy per epoch")
    {
        var plot = new Plot();
        foreach (var (label, history, color) in Coloured(models))
        {
            Line(plot, Epochs(history), history.Select(r => r.ValidationAccuracy * 100), $"{label} (validation)", color);
            Line(plot, Epochs(history), history.Select(r => r.TrainAccuracy * 100), $"{label} (train)", color, LinePattern.Dashed);
        }
        Finish(plot, title, "accuracy (%)", path);
    }

    /// <summary>
    /// Cross-entropies only: every model's validation cross-entropy per epoch (solid), and the train
    /// loss of models trained on cross-entropy alone, per epoch (dashed) and within epochs (thin).
    /// </summary>
    /// <param name="crossEntropyTrained">Labels of the models whose train objective is plain cross-entropy.</param>
    public static void CrossEntropy(IEnumerable<(string Label, IReadOnlyList<EpochRecord> History)> models, ISet<string> crossEntropyTrained, string path)
    {
        var plot = new Plot();
        foreach (var (label, history, color) in Coloured(models))
        {
            Line(plot, Epochs(history), history.Select(r => r.ValidationLoss), $"{label} (validation)", color);
            if (!crossEntropyTrained.Contains(label)) continue;
            Steps(plot, history, color);
            Line(plot, Epochs(history), history.Select(r => r.TrainLoss), $"{label} (train)", color, LinePattern.Dashed);
        }
        Finish(plot, "Cross-entropy per epoch (validation solid; train dashed, thin: within epochs)", "cross-entropy", path);
    }

    /// <summary>One model's own training objective: the mean over each epoch and its course within epochs.</summary>
    public static void Objective(string label, IReadOnlyList<EpochRecord> history, string path)
    {
        var plot = new Plot();
        var color = new ScottPlot.Palettes.Category10().GetColor(2);
        Steps(plot, history, color, legend: true);
        var line = Line(plot, Epochs(history), history.Select(r => r.TrainLoss), "epoch mean", color);
        line.MarkerSize = 7;
        Finish(plot, $"{label}: training objective (sum of the weighted terms)", "objective", path);
    }

    /// <summary>Each loss term of one model over the epochs, weighted (as summed into the objective) or before its weight.</summary>
    public static void LossTerms(string label, IReadOnlyList<EpochRecord> history, string path, bool unweighted = false)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        IReadOnlyDictionary<string, double> Terms(EpochRecord r) => (unweighted ? r.UnweightedLossTerms : r.LossTerms) ?? new Dictionary<string, double>();
        var names = history.SelectMany(r => Terms(r).Keys).Distinct().ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var logged = history.Where(r => Terms(r).ContainsKey(names[i])).ToList();
            Line(plot, Epochs(logged), logged.Select(r => Terms(r)[names[i]]), names[i], palette.GetColor(i));
        }
        Finish(plot, unweighted ? $"{label}: loss terms before their weights" : $"{label}: weighted loss terms (they sum to the objective)",
            unweighted ? "unweighted loss" : "weighted loss", path);
    }

    /// <summary>The learning rate each model trained with, per epoch.</summary>
    public static void LearningRate(IEnumerable<(string Label, IReadOnlyList<EpochRecord> History)> models, string path)
    {
        var plot = new Plot();
        var drawn = Coloured(models).ToList();
        for (var i = 0; i < drawn.Count; i++)
        {
            // Earlier lines wider, so models sharing one schedule stay visible under each other.
            var line = Line(plot, Epochs(drawn[i].History), drawn[i].History.Select(r => r.LearningRate), drawn[i].Label, drawn[i].Color);
            line.LineWidth = 2 + 3 * (drawn.Count - 1 - i);
            line.MarkerSize = 5 + 3 * (drawn.Count - 1 - i);
        }
        var highest = drawn.SelectMany(m => m.History).Select(r => r.LearningRate).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, highest * 1.1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) };
        Finish(plot, "Learning rate at the start of each epoch", "learning rate", path);
    }

    /// <summary>True when any record carries unweighted terms (metrics from before they were logged do not).</summary>
    public static bool HasUnweightedTerms(IReadOnlyList<EpochRecord> history) => history.Any(r => r.UnweightedLossTerms is { Count: > 0 });

    // The models that ran epochs, each with the next colour of the palette.
    private static IEnumerable<(string Label, IReadOnlyList<EpochRecord> History, Color Color)> Coloured(IEnumerable<(string Label, IReadOnlyList<EpochRecord> History)> models)
    {
        var palette = new ScottPlot.Palettes.Category10();
        return models.Where(m => m.History.Count > 0).Select((m, i) => (m.Label, m.History, palette.GetColor(i)));
    }

    private static double[] Epochs(IReadOnlyList<EpochRecord> history) => history.Select(r => (double)r.Epoch).ToArray();

    // Within-epoch points sit at the middle of the steps they average, epoch e spanning (e - 1, e].
    private static void Steps(Plot plot, IReadOnlyList<EpochRecord> history, Color color, bool legend = false)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var record in history)
        {
            if (record.StepLosses is not { Count: > 0 } steps) continue;
            for (var i = 0; i < steps.Count; i++)
            {
                xs.Add(record.Epoch - 1 + (i + 0.5) / steps.Count);
                ys.Add(steps[i]);
            }
        }
        if (xs.Count == 0) return;
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.Color = color.WithAlpha(0.45);
        line.LineWidth = 1;
        line.MarkerSize = 0;
        if (legend) line.LegendText = "within epochs";
    }

    private static ScottPlot.Plottables.Scatter Line(Plot plot, double[] xs, IEnumerable<double> ys, string legend, Color color, LinePattern? pattern = null)
    {
        var line = plot.Add.Scatter(xs, ys.ToArray());
        line.LegendText = legend;
        line.Color = color;
        line.LineWidth = 2;
        if (pattern is { } p) line.LinePattern = p;
        return line;
    }

    private static void Finish(Plot plot, string title, string yLabel, string path)
    {
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Bottom);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }
}
