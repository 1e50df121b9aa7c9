namespace Distill.Reports;

/// <summary>
/// The report's gallery section: teacher, scratch and distilled student side by side on the same
/// test images (<see cref="ComparisonGallery"/>, drawn at the end of the study) or, for runs made
/// before it, the distilled student's <see cref="TestGallery"/> in its model folder. Both are
/// pictures the study left; a folder with neither gets no section.
/// </summary>
public static class GallerySection
{
    /// <param name="runDirectory">The folder of the seed and point the report shows, where its comparison gallery is.</param>
    public static void Add(ReportDocument document, string folder, string runDirectory)
    {
        var comparison = Path.Combine(runDirectory, ComparisonGallery.FileName);
        if (File.Exists(comparison))
        {
            document.Heading("Test images: teacher, scratch and distilled")
                .Paragraph("The same test images under each model, as the models saw them: true class, then each model's prediction, green when right and red when wrong. " +
                           "Images the three models disagree on come first, framed orange, in test-set order; the rest are spread evenly over the test set.")
                .Image(Stored(folder, comparison), "Teacher, scratch and distilled student on the same test images, disagreements first");
            return;
        }
        var file = Find(folder);
        if (file is null) return;
        document.Heading("Test images of the distilled student")
            .Paragraph("Test images spread evenly over the test set, as the student saw them, with its prediction and the true class; green when right, red when wrong.")
            .Image(Stored(folder, file), "Predicted and true class of test images (distilled student)");
    }

    private static string Stored(string folder, string file) => Path.GetRelativePath(folder, file).Replace('\\', '/');

    private static string? Find(string folder)
    {
        var direct = Path.Combine(folder, "distilled", TestGallery.FileName);
        if (File.Exists(direct)) return direct;
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, TestGallery.FileName, SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "distilled").Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
    }
}
