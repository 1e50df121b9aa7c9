using System.Globalization;
using SkiaSharp;

namespace Distill.Reports;

/// <summary>
/// The picture every gallery draws: cells in rows of <see cref="Columns"/> on white, each a picture
/// scaled into its square (nearest neighbour, so the pixels stay sharp), an optional frame behind it
/// and lines of caption in the default typeface at 11 px, written as one PNG. A gallery says what
/// goes in each cell; the grid places it.
/// </summary>
/// <param name="CellWidth">The distance from one cell's left edge to the next.</param>
/// <param name="CellHeight">The distance from one row's top edge to the next.</param>
/// <param name="PictureLeft">Where the picture stands in its cell, from the cell's left edge.</param>
/// <param name="PictureTop">Where the picture stands in its cell, from the cell's top edge.</param>
/// <param name="PictureSide">The side of the square each picture is scaled into.</param>
/// <param name="CaptionLeft">Where each caption starts, from the cell's left edge.</param>
/// <param name="Margin">White space left of the first column and above the first row.</param>
internal sealed record CaptionedImageGrid(
    int CellWidth, int CellHeight, int PictureLeft, int PictureTop, int PictureSide, int CaptionLeft, int Margin = 0)
{
    public const int Columns = 8;
    private const float FontSize = 11;

    /// <summary>The picture's size for <paramref name="count"/> cells; an empty grid keeps one blank row.</summary>
    public SKSizeI Size(int count) => new(Margin + Columns * CellWidth, Margin + Math.Max(1, (count + Columns - 1) / Columns) * CellHeight);

    /// <summary>The top-left corner of cell <paramref name="index"/>, filled row by row.</summary>
    public SKPointI Origin(int index) => new(Margin + index % Columns * CellWidth, Margin + index / Columns * CellHeight);

    /// <summary>Draws <paramref name="count"/> cells, cell i as <paramref name="cell"/>(i) says, into <paramref name="path"/> (PNG).</summary>
    /// <param name="cell">Cell i's content; its picture is disposed once drawn.</param>
    public void Write(int count, Func<int, Cell> cell, string path)
    {
        var size = Size(count);
        using var surface = SKSurface.Create(new SKImageInfo(size.Width, size.Height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, FontSize);
        using var paint = new SKPaint { IsAntialias = true };
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest);
        for (var i = 0; i < count; i++)
        {
            var (x, y) = (Origin(i).X, Origin(i).Y);
            var content = cell(i);
            using (var picture = content.Picture)
            {
                if (content.Frame is { } frame)
                {
                    paint.Color = frame.Color;
                    canvas.DrawRect(x, y, frame.Width, frame.Height, paint);
                }
                canvas.DrawImage(picture, SKRect.Create(x + PictureLeft, y + PictureTop, PictureSide, PictureSide), sampling);
            }
            foreach (var caption in content.Captions)
            {
                paint.Color = caption.Color;
                canvas.DrawText(caption.Text, x + CaptionLeft, y + caption.Baseline, SKTextAlign.Left, font, paint);
            }
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        Runs.AtomicFile.WriteAllBytes(path, png.ToArray());
    }

    /// <summary>The name of class <paramref name="label"/> (its number when unnamed), cut to <paramref name="maxLength"/> characters with an ellipsis.</summary>
    public static string ClassName(IReadOnlyList<string> names, long label, int maxLength = int.MaxValue)
    {
        var name = label >= 0 && label < names.Count ? names[(int)label] : label.ToString(CultureInfo.InvariantCulture);
        return name.Length <= maxLength ? name : name[..(maxLength - 1)] + "…";
    }

    /// <summary>What one cell shows: a picture, its captions, and a frame drawn behind the picture when given.</summary>
    public sealed record Cell(SKImage Picture, IReadOnlyList<Caption> Captions, Frame? Frame = null);

    /// <summary>A line of caption with its baseline measured from the cell's top edge.</summary>
    public readonly record struct Caption(string Text, float Baseline, SKColor Color);

    /// <summary>A filled rectangle from the cell's top-left corner.</summary>
    public readonly record struct Frame(float Width, float Height, SKColor Color);
}
