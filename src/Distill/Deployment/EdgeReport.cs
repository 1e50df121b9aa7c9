using System.Globalization;
using System.Net;
using System.Text;

namespace Distill.Deployment;

/// <summary>The edge table of a run: teacher, student, pruned, slim and int8 models side by side; as Markdown and HTML.</summary>
/// <param name="OnnxMaxDifference">Largest difference between the student's logits under TorchSharp and from its ONNX file under ONNX Runtime, over the test set.</param>
public sealed record EdgeReport(string RunFolder, string Dataset, long TestCount, EdgeOptions Options, IReadOnlyList<EdgeRow> Rows, double? OnnxMaxDifference, DateTimeOffset Created)
{
    public const string JsonFile = "deploy.json";
    public const string MarkdownFile = "deploy.md";
    public const string HtmlFile = "deploy.html";

    /// <summary>Column headings, then one row of cells per model and runtime; latency columns per batch size.</summary>
    public (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Cells) Table()
    {
        var c = CultureInfo.InvariantCulture;
        var batches = Rows.SelectMany(r => r.Latency.Select(l => l.BatchSize)).Distinct().Order().ToList();
        var header = new List<string> { "Model", "Runtime", "Test accuracy", "Size", "gzip", "Parameters (nonzero)" };
        foreach (var b in batches) header.AddRange([$"b{b} median ms", $"b{b} p95 ms", $"b{b} samples/s"]);
        var cells = Rows.Select(r =>
        {
            var row = new List<string>
            {
                $"{r.Model} ({r.Spec})", r.Runtime, (r.TestAccuracy * 100).ToString("F2", c) + " %", Bytes(r.SizeBytes), Bytes(r.CompressedBytes),
                r.NonzeroParameters == r.Parameters ? r.Parameters.ToString("N0", c) : $"{r.Parameters.ToString("N0", c)} ({r.NonzeroParameters.ToString("N0", c)})",
            };
            foreach (var b in batches)
            {
                var l = r.Latency.FirstOrDefault(x => x.BatchSize == b);
                row.AddRange(l is null ? ["", "", ""] : [l.MedianMilliseconds.ToString("F3", c), l.P95Milliseconds.ToString("F3", c), l.SamplesPerSecond.ToString("N0", c)]);
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        return (header, cells);
    }

    public string Markdown()
    {
        var (header, cells) = Table();
        var text = new StringBuilder();
        text.AppendLine($"# Edge table: {RunFolder}").AppendLine();
        text.AppendLine(Describe()).AppendLine();
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in cells) text.AppendLine("| " + string.Join(" | ", row) + " |");
        return text.ToString();
    }

    public string Html()
    {
        var (header, cells) = Table();
        var text = new StringBuilder();
        text.AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Edge table</title>");
        text.AppendLine("<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>");
        text.AppendLine($"<h1>Edge table: {WebUtility.HtmlEncode(RunFolder)}</h1><p>{WebUtility.HtmlEncode(Describe())}</p><table><tr>");
        foreach (var h in header) text.Append($"<th>{WebUtility.HtmlEncode(h)}</th>");
        text.AppendLine("</tr>");
        foreach (var row in cells) text.AppendLine("<tr>" + string.Concat(row.Select(cell => $"<td>{WebUtility.HtmlEncode(cell)}</td>")) + "</tr>");
        text.AppendLine("</table></body></html>");
        return text.ToString();
    }

    /// <summary>What the figures are: data, pruning, fine-tuning, calibration and timing, in one paragraph.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var o = Options;
        return $"Test accuracy on the {TestCount.ToString(c)} test rows of {Dataset}. pruned: {(o.Sparsity * 100).ToString("F0", c)} % of the conv/dense weights zeroed by magnitude ({o.Scope}), "
            + $"slim: {(o.ChannelFraction * 100).ToString("F0", c)} % of each layer's channels removed (L1 norm); both fine-tuned for {o.FineTuneEpochs.ToString(c)} epoch(s) {o.FineTuneDescription}. "
            + $"int8: QDQ ONNX of the student, {o.Quantization.Calibration} calibration on {o.Quantization.CalibrationRows.ToString(c)} training rows, per-channel int8 weights. "
            + (OnnxMaxDifference is not { } difference ? "" : $"The exported student's logits differ from TorchSharp's by at most {difference.ToString("G3", c)} on the test set. ")
            + $"Size: the file on disk and gzip of it (zeros from unstructured pruning only shrink the latter). Latency: median and p95 of single forward passes after {o.Latency.WarmupRuns.ToString(c)} warm-up runs, "
            + $"at least {o.Latency.MinimumRuns.ToString(c)} runs and {o.Latency.MinimumSeconds.ToString(c)} s per case, threads {(o.Latency.Threads is { } t ? t.ToString(c) : "runtime default")}; random inputs.";
    }

    private static string Bytes(long bytes) => bytes >= 1 << 20
        ? (bytes / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB";
}
