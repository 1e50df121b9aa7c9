using StbImageSharp;

namespace Distill.Data.Sources;

/// <summary>Decodes one PNG, JPEG or BMP file with StbImageSharp; a file it cannot read is one sentence naming it.</summary>
public static class ImageFile
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Width, height and whether the image has colour, read from its header.</summary>
    public static (int Width, int Height, bool Colour) Probe(string path)
    {
        try
        {
            var bytes = ReadChecked(path);
            using var stream = new MemoryStream(bytes, writable: false);
            var info = ImageInfo.FromStream(stream)
                       ?? throw new DataFormatException($"Image '{path}' is not a PNG, JPEG or BMP file that can be read.");
            if (info.Width <= 0 || info.Height <= 0)
                throw new DataFormatException($"Image '{path}' has an invalid size {info.Width}x{info.Height}.");
            return (info.Width, info.Height, info.ColorComponents is ColorComponents.RedGreenBlue or ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is not DistillException)
        {
            throw new DataFormatException($"Image '{path}' cannot be read: {Reason(e)}.");
        }
    }

    /// <summary>The pixels as bytes, channel-first [channels, height, width].</summary>
    public static (byte[] Pixels, int Width, int Height) Decode(string path, int channels)
    {
        ImageResult image;
        var bytes = ReadChecked(path);
        try
        {
            image = ImageResult.FromMemory(bytes, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
        }
        catch (Exception e)
        {
            throw new DataFormatException($"Image '{path}' is corrupt or truncated and cannot be decoded: {Reason(e)}.");
        }
        if (image?.Data is null || image.Width <= 0 || image.Height <= 0 || image.Data.Length < (long)image.Width * image.Height * channels)
            throw new DataFormatException($"Image '{path}' is corrupt or truncated and cannot be decoded.");
        var plane = image.Width * image.Height;
        var planar = new byte[plane * channels];
        for (var i = 0; i < plane; i++)
        for (var c = 0; c < channels; c++)
            planar[c * plane + i] = image.Data[i * channels + c];
        return (planar, image.Width, image.Height);
    }

    /// <summary>The file's bytes once its container is known to be complete (see <see cref="ImageStructure"/>).</summary>
    private static byte[] ReadChecked(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"Image '{path}' cannot be read: {Reason(e)}.");
        }
        if (ImageStructure.Problem(bytes) is { } problem)
            throw new DataFormatException($"Image '{path}' is corrupt or truncated: {problem}.");
        return bytes;
    }

    private static string Reason(Exception e) => e.Message.Split('\n')[0].TrimEnd('.');
}
