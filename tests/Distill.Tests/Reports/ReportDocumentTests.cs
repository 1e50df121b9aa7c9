using Distill.Reports;
using Distill.Tests.Support;

namespace Distill.Tests.Reports;

public sealed class ReportDocumentTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_html_page_embeds_its_images_and_escapes_text()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];
        File.WriteAllBytes(_folder.File("plot.png"), png);
        var document = new ReportDocument("Run <1>")
            .Table(["Model", "Accuracy"], [["a|b", "95%"]])
            .Image("plot.png", "A plot");

        var html = document.ToHtml(_folder.Path);
        var markdown = document.ToMarkdown();

        Assert.Contains($"src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"", html);
        Assert.Contains("<title>Run &lt;1&gt;</title>", html);
        Assert.Contains("<td>a|b</td>", html);
        Assert.Contains("| a\\|b | 95% |", markdown);
        Assert.Contains("![A plot](plot.png)", markdown);
    }

    [Fact]
    public void A_missing_image_is_left_out_of_the_page_rather_than_linked()
    {
        var html = new ReportDocument("t").Image("absent.png", "gone").ToHtml(_folder.Path);

        Assert.DoesNotContain("absent.png", html);
    }
}
