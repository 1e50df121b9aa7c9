using Distill.Reports;
using Distill.Tests.Support;

namespace Distill.Tests.Reports;

/// <summary>A two-class study's report, end to end: ROC and PR with their areas, sensitivity and specificity, the three-model gallery, and the page in a real browser.</summary>
public sealed class TwoClassReportTests(TwoClassRun run) : IClassFixture<TwoClassRun>
{
    [Fact]
    public void The_report_has_roc_and_precision_recall_with_auc_sensitivity_and_specificity_for_each_model()
    {
        var html = run.Html;

        Assert.Contains("id=\"roc-and-precision-recall-two-classes\"", html);
        Assert.Contains("Positive class: dog (the second class, class names sorted); negative: cat.", html);
        foreach (var column in new[] { "ROC AUC", "Average precision", "Sensitivity", "Specificity" }) Assert.Contains($"<th>{column}</th>", html);
        foreach (var model in new[] { "Student (scratch)", "Student (distilled)" }) Assert.Contains($"<td>{model}</td>", html);
        Assert.True(File.Exists(Path.Combine(run.Folder, TwoClassSection.RocFile)));
        Assert.True(File.Exists(Path.Combine(run.Folder, TwoClassSection.PrecisionRecallFile)));
        Assert.Contains("Precision, recall and F1", html);
        Assert.Contains("<td>Macro average</td>", html);
    }

    [Fact]
    public void The_gallery_shows_teacher_scratch_and_distilled_on_the_same_images()
    {
        Assert.True(File.Exists(Path.Combine(run.Folder, ComparisonGallery.FileName)));
        Assert.Contains("Test images: teacher, scratch and distilled", run.Html);
        Assert.Contains($"![Teacher, scratch and distilled student on the same test images, disagreements first]({ComparisonGallery.FileName})",
            File.ReadAllText(Path.Combine(run.Folder, "summary.md")));
    }

    [Fact]
    public void Report_rebuilds_a_copy_of_the_folder_without_the_gallery_from_the_predictions_alone()
    {
        var copy = run.File("copy");
        foreach (var file in Directory.EnumerateFiles(run.Folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(run.Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!file.EndsWith(".png", StringComparison.Ordinal) && !file.EndsWith(".html", StringComparison.Ordinal)) File.Copy(file, target);
        }

        var (code, _, errors) = InProcessCli.Run("report", copy);

        Assert.True(code == 0, errors);
        var html = File.ReadAllText(Path.Combine(copy, "report.html"));
        Assert.Contains("ROC AUC", html);
        Assert.DoesNotContain("Test images: teacher, scratch and distilled", html);
    }

    [ChromiumFact]
    public void The_page_opens_in_headless_chromium_with_a_screenshot_and_no_console_errors()
    {
        var screenshot = run.File("report.png");

        var (code, log) = HeadlessChromium.Screenshot(Path.Combine(run.Folder, "report.html"), screenshot);

        Assert.True(code == 0, log);
        Assert.True(File.Exists(screenshot) && new FileInfo(screenshot).Length > 10_000, "no screenshot was written:\n" + log);
        var console = log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal)).ToList();
        Assert.True(console.Count == 0, "the page logged to the console:\n" + string.Join("\n", console));
    }
}
