using Distill.Deployment;
using Distill.Runs;

namespace Distill.Reports;

/// <summary>
/// The report's edge section, for a run that `distill deploy` has taken to the edge: its table (read
/// back from deploy/deploy.json) and accuracy against latency and against size for every variant.
/// </summary>
public static class DeploySection
{
    public static void Add(ReportDocument document, string folder)
    {
        var file = Path.Combine(folder, EdgeDeployment.FolderName, EdgeReport.JsonFile);
        if (!File.Exists(file)) return;
        var report = Json.Read<EdgeReport>(file, "deploy results");
        DeployFigures.Latency(report, Path.Combine(folder, DeployFigures.LatencyFile));
        DeployFigures.Size(report, Path.Combine(folder, DeployFigures.SizeFile));
        var (header, cells) = report.Table();
        document.Heading("Edge deployment")
            .Paragraph($"From `distill deploy` ({report.Created:yyyy-MM-dd HH:mm}; deploy/deploy.md has this table). " + report.Describe())
            .Table(header, cells)
            .Images((DeployFigures.LatencyFile, "Test accuracy against latency: up and to the left is better"),
                (DeployFigures.SizeFile, "Test accuracy against the model file's size: up and to the left is better"));
    }
}
