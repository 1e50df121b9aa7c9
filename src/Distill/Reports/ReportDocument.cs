using System.Net;
using System.Text;

namespace Distill.Reports;

/// <summary>
/// A report as a list of blocks, rendered both as Markdown (images linked) and as one
/// self-contained HTML page (images embedded as data URIs), so the two never disagree.
/// </summary>
public sealed class ReportDocument
{
    private readonly List<Block> _blocks = [];

    public string Title { get; }

    public ReportDocument(string title) => Title = title;

    public ReportDocument Heading(string text) => Add(new HeadingBlock(text));

    public ReportDocument Paragraph(string text) => Add(new ParagraphBlock(text));

    public ReportDocument Code(string text) => Add(new CodeBlock(text));

    public ReportDocument Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) => Add(new TableBlock(headers, rows.ToList()));

    /// <summary>A PNG in the report's folder, by file name.</summary>
    public ReportDocument Image(string file, string caption) => Add(new ImageBlock(file, caption));

    /// <summary>PNGs shown side by side where the page is wide enough (panels of one subject), one under another where not.</summary>
    public ReportDocument Images(params (string File, string Caption)[] images) => Add(new ImageRowBlock(images));

    /// <summary>A list of links to files in the run folder (relative paths), each with a description.</summary>
    public ReportDocument Links(IEnumerable<(string Text, string Target)> links) => Add(new LinkListBlock(links.ToList()));

    public string ToMarkdown()
    {
        var text = new StringBuilder().Append("# ").AppendLine(Title).AppendLine();
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h: text.Append("## ").AppendLine(h.Text); break;
                case ParagraphBlock p: text.AppendLine(p.Text); break;
                case CodeBlock c: text.AppendLine("```").AppendLine(c.Text).AppendLine("```"); break;
                case ImageBlock i: text.AppendLine($"![{i.Caption}]({i.File})"); break;
                case ImageRowBlock row: text.AppendLine(string.Join("\n", row.Images.Select(i => $"![{i.Caption}]({i.File})"))); break;
                case LinkListBlock list:
                    foreach (var (linkText, target) in list.Links) text.AppendLine($"- [{linkText}]({target.Replace(" ", "%20")})");
                    break;
                case TableBlock t:
                    text.AppendLine("| " + string.Join(" | ", t.Headers) + " |");
                    text.AppendLine("|" + string.Join("|", t.Headers.Select(_ => "---")) + "|");
                    foreach (var row in t.Rows) text.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|"))) + " |");
                    break;
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>One HTML file with no outside references; images are read from <paramref name="folder"/> and embedded.</summary>
    public string ToHtml(string folder)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.AppendLine($"<title>{Encode(Title)}</title>");
        html.AppendLine("<style>" + Style + "</style>");
        html.AppendLine("</head><body>");
        html.AppendLine($"<h1>{Encode(Title)}</h1>");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h: html.AppendLine($"<h2 id=\"{Anchor(h.Text)}\">{Encode(h.Text)}</h2>"); break;
                case ParagraphBlock p: html.AppendLine($"<p>{Encode(p.Text)}</p>"); break;
                case CodeBlock c: html.AppendLine($"<pre><code>{Encode(c.Text)}</code></pre>"); break;
                case ImageBlock i:
                    var path = Path.Combine(folder, i.File);
                    if (!File.Exists(path)) break;
                    html.AppendLine(Figure(path, i.Caption));
                    break;
                case ImageRowBlock row:
                    var present = row.Images.Where(i => File.Exists(Path.Combine(folder, i.File))).ToList();
                    if (present.Count == 0) break;
                    html.AppendLine("<div class=\"panels\">" + string.Concat(present.Select(i => Figure(Path.Combine(folder, i.File), i.Caption))) + "</div>");
                    break;
                case LinkListBlock list:
                    html.AppendLine("<ul>" + string.Concat(list.Links.Select(l => $"<li><a href=\"{Encode(l.Target.Replace('\\', '/'))}\">{Encode(l.Text)}</a></li>")) + "</ul>");
                    break;
                case TableBlock t:
                    // The wrapper scrolls a wide table sideways on a narrow screen instead of widening the page.
                    html.AppendLine("<div class=\"table\"><table><thead><tr>" + string.Concat(t.Headers.Select(c => $"<th>{Encode(c)}</th>")) + "</tr></thead><tbody>");
                    foreach (var row in t.Rows) html.AppendLine("<tr>" + string.Concat(row.Select(c => $"<td>{Encode(c)}</td>")) + "</tr>");
                    html.AppendLine("</tbody></table></div>");
                    break;
            }
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:1320px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}" +
        "h1{font-size:1.6em;overflow-wrap:anywhere}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}" +
        "p{overflow-wrap:anywhere}.table{overflow-x:auto;margin:1em 0}" +
        "table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:4px 7px;text-align:left;vertical-align:top}" +
        "th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}" +
        "img{max-width:100%;height:auto;border:1px solid #eee;margin:.5em 0}figure{margin:1em 0}figcaption{color:#666;font-size:13px}" +
        ".panels{display:flex;flex-wrap:wrap;gap:1em}.panels figure{flex:1 1 420px;min-width:0;margin:0}" +
        "pre{background:#f6f6f6;padding:.8em;white-space:pre-wrap;word-break:break-all}" +
        "@media (max-width:600px){body{margin:1em auto;padding:0 .6em}h1{font-size:1.35em}h2{font-size:1.2em}table{font-size:12px}th,td{padding:3px 5px}}";

    /// <summary>A heading's id, so a section can be linked to (report.html#calibration).</summary>
    public static string Anchor(string heading)
    {
        var slug = new StringBuilder();
        foreach (var c in heading.ToLowerInvariant())
            if (char.IsAsciiLetterOrDigit(c)) slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        return slug.ToString().TrimEnd('-');
    }

    private static string Figure(string path, string caption) =>
        $"<figure><img alt=\"{Encode(caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\">" +
        $"<figcaption>{Encode(caption)}</figcaption></figure>";

    private ReportDocument Add(Block block)
    {
        _blocks.Add(block);
        return this;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private abstract record Block;

    private sealed record HeadingBlock(string Text) : Block;

    private sealed record ParagraphBlock(string Text) : Block;

    private sealed record CodeBlock(string Text) : Block;

    private sealed record ImageBlock(string File, string Caption) : Block;

    private sealed record ImageRowBlock(IReadOnlyList<(string File, string Caption)> Images) : Block;

    private sealed record LinkListBlock(IReadOnlyList<(string Text, string Target)> Links) : Block;

    private sealed record TableBlock(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;
}
