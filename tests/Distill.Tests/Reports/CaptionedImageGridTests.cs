using Distill.Reports;
using Distill.Tests.Support;
using SkiaSharp;

namespace Distill.Tests.Reports;

public sealed class CaptionedImageGridTests : IDisposable
{
    private static readonly CaptionedImageGrid Grid = new(CellWidth: 30, CellHeight: 40, PictureLeft: 3, PictureTop: 5, PictureSide: 20, CaptionLeft: 1, Margin: 2);
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_picture_holds_eight_columns_and_as_many_rows_as_the_cells_need()
    {
        Assert.Equal(new SKSizeI(2 + 8 * 30, 2 + 2 * 40), Grid.Size(9));
        Assert.Equal(new SKSizeI(2 + 8 * 30, 2 + 2 * 40), Grid.Size(16));
        Assert.Equal(new SKSizeI(2 + 8 * 30, 2 + 3 * 40), Grid.Size(17));
        Assert.Equal(new SKSizeI(2 + 8 * 30, 2 + 40), Grid.Size(0));
        Assert.Equal(new SKPointI(2 + 1 * 30, 2 + 1 * 40), Grid.Origin(9));
    }

    [Fact]
    public void Each_cell_puts_its_picture_frame_and_caption_where_the_layout_says()
    {
        var path = _folder.File("grid.png");
        // A 2x2 picture per cell: its top-left pixel names the cell (red = index * 20), the others are fixed.
        SKColor Corner(int i) => new((byte)(i * 20), 200, 10);
        var blue = new SKColor(0, 0, 255);

        Grid.Write(10, i => new CaptionedImageGrid.Cell(Picture(Corner(i), blue), [new("Wg", 34, SKColors.Black)],
            i % 2 == 0 ? new CaptionedImageGrid.Frame(26, 28, SKColors.Orange) : null), path);

        using var image = SKBitmap.Decode(path);
        Assert.Equal(Grid.Size(10), new SKSizeI(image.Width, image.Height));
        for (var i = 0; i < 10; i++)
        {
            var (x, y) = (Grid.Origin(i).X, Grid.Origin(i).Y);
            // Nearest-neighbour scaling: each source pixel fills a 10x10 quarter of the 20x20 square, edge to edge.
            foreach (var (dx, dy) in new[] { (0, 0), (9, 9) })
                Assert.Equal(Corner(i), image.GetPixel(x + 3 + dx, y + 5 + dy));
            foreach (var (dx, dy) in new[] { (10, 0), (19, 19), (0, 10) })
                Assert.Equal(blue, image.GetPixel(x + 3 + dx, y + 5 + dy));
            // Beside the picture: the frame on even cells, white on odd ones.
            Assert.Equal(i % 2 == 0 ? SKColors.Orange : SKColors.White, image.GetPixel(x + 1, y + 1));
            Assert.Equal(SKColors.White, image.GetPixel(x + 27, y + 1));
            // The caption's ink lies in the band above its baseline, left of the cell's edge.
            var ink = Enumerable.Range(x + 1, 20).SelectMany(px => Enumerable.Range(y + 26, 8).Select(py => image.GetPixel(px, py))).Count(c => c.Red < 128);
            Assert.True(ink > 5, $"cell {i} has {ink} dark caption pixels");
        }
        Assert.Equal(SKColors.White, image.GetPixel(0, 0));
        Assert.Equal(SKColors.White, image.GetPixel(Grid.Origin(12).X + 10, Grid.Origin(12).Y + 10));
    }

    [Fact]
    public void A_class_name_is_cut_with_an_ellipsis_and_an_unnamed_class_shows_its_number()
    {
        string[] names = ["cat", "a-very-long-name"];
        Assert.Equal("cat", CaptionedImageGrid.ClassName(names, 0, 5));
        Assert.Equal("a-ve…", CaptionedImageGrid.ClassName(names, 1, 5));
        Assert.Equal("a-very-long-name", CaptionedImageGrid.ClassName(names, 1));
        Assert.Equal("7", CaptionedImageGrid.ClassName(names, 7, 5));
    }

    private static SKImage Picture(SKColor corner, SKColor rest) =>
        TestImages.Picture([corner.Red, corner.Green, corner.Blue, rest.Red, rest.Green, rest.Blue, rest.Red, rest.Green, rest.Blue, rest.Red, rest.Green, rest.Blue], 0, 2, 2);
}
