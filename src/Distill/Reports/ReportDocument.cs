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
        html.AppendLine($"<title>{Encode(Title)}</title>");
        html.AppendLine("<style>body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}" +
                        "table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}" +
                        "th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}img{max-width:100%;border:1px solid #eee;margin:.5em 0}" +
                        "figure{margin:1em 0}figcaption{color:#666;font-size:13px}pre{background:#f6f6f6;padding:.8em;white-space:pre-wrap;word-break:break-all}</style>");
        html.AppendLine("</head><body>");
        html.AppendLine($"<h1>{Encode(Title)}</h1>");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h: html.AppendLine($"<h2>{Encode(h.Text)}</h2>"); break;
                case ParagraphBlock p: html.AppendLine($"<p>{Encode(p.Text)}</p>"); break;
                case CodeBlock c: html.AppendLine($"<pre><code>{Encode(c.Text)}</code></pre>"); break;
                case ImageBlock i:
                    var path = Path.Combine(folder, i.File);
                    if (!File.Exists(path)) break;
                    html.AppendLine($"<figure><img alt=\"{Encode(i.Caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\">" +
                                    $"<figcaption>{Encode(i.Caption)}</figcaption></figure>");
                    break;
                case TableBlock t:
                    html.AppendLine("<table><thead><tr>" + string.Concat(t.Headers.Select(c => $"<th>{Encode(c)}</th>")) + "</tr></thead><tbody>");
                    foreach (var row in t.Rows) html.AppendLine("<tr>" + string.Concat(row.Select(c => $"<td>{Encode(c)}</td>")) + "</tr>");
                    html.AppendLine("</tbody></table>");
                    break;
            }
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

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

    private sealed record TableBlock(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;
}
