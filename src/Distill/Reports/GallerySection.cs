namespace Distill.Reports;

/// <summary>
/// The report's gallery section: the distilled student's <see cref="TestGallery"/>, drawn when it
/// was trained, found in its model folder (for several seeds, the first seed's).
/// </summary>
public static class GallerySection
{
    public static void Add(ReportDocument document, string folder)
    {
        var file = Find(folder);
        if (file is null) return;
        document.Heading("Test images of the distilled student")
            .Paragraph("Test images spread evenly over the test set, as the student saw them, with its prediction and the true class; green when right, red when wrong.")
            .Image(Path.GetRelativePath(folder, file).Replace('\\', '/'), "Predicted and true class of test images (distilled student)");
    }

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
