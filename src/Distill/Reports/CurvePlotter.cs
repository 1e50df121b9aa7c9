using Distill.Runs;
using Distill.Training;
using ScottPlot;

namespace Distill.Reports;

/// <summary>Per-epoch curves as PNG files, drawn with ScottPlot.</summary>
public static class CurvePlotter
{
    private const int Width = 900;
    private const int Height = 520;

    /// <summary>Train (dashed) and validation (solid) accuracy per epoch, one colour per model.</summary>
    public static void Accuracy(IEnumerable<(string Label, IReadOnlyList<EpochRecord> History)> models, string path) =>
        Draw(models, path, "Accuracy per epoch", "accuracy (%)", r => r.TrainAccuracy * 100, r => r.ValidationAccuracy * 100);

    /// <summary>Train (dashed) and validation (solid) loss per epoch. Train loss is the model's own objective.</summary>
    public static void Loss(IEnumerable<(string Label, IReadOnlyList<EpochRecord> History)> models, string path) =>
        Draw(models, path, "Loss per epoch (train: own objective, validation: cross-entropy)", "loss", r => r.TrainLoss, r => r.ValidationLoss);

    /// <summary>Each weighted loss term of one model over the epochs.</summary>
    public static void LossTerms(string label, IReadOnlyList<EpochRecord> history, string path)
    {
        var plot = new Plot();
        var epochs = history.Select(r => (double)r.Epoch).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        var names = history.SelectMany(r => r.LossTerms.Keys).Distinct().ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var line = plot.Add.Scatter(epochs, history.Select(r => r.LossTerms.GetValueOrDefault(names[i])).ToArray());
            line.LegendText = names[i];
            line.Color = palette.GetColor(i);
            line.LineWidth = 2;
        }
        Finish(plot, $"{label}: weighted loss terms per epoch", "weighted loss", path);
    }

    private static void Draw(
        IEnumerable<(string Label, IReadOnlyList<EpochRecord> History)> models, string path, string title, string yLabel,
        Func<EpochRecord, double> train, Func<EpochRecord, double> validation)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var (label, history) in models)
        {
            if (history.Count == 0) continue;
            var color = palette.GetColor(index++);
            var epochs = history.Select(r => (double)r.Epoch).ToArray();
            var validationLine = plot.Add.Scatter(epochs, history.Select(validation).ToArray());
            validationLine.LegendText = $"{label} (validation)";
            validationLine.Color = color;
            validationLine.LineWidth = 2;
            var trainLine = plot.Add.Scatter(epochs, history.Select(train).ToArray());
            trainLine.LegendText = $"{label} (train)";
            trainLine.Color = color;
            trainLine.LinePattern = LinePattern.Dashed;
        }
        Finish(plot, title, yLabel, path);
    }

    private static void Finish(Plot plot, string title, string yLabel, string path)
    {
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.LowerRight);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }
}
