// Per-image cost of decoding a 224x224 RGB PNG with StbImageSharp, of ImageFile.Decode's conversion (planar
// bytes, then floats / 255) and of a one-pass conversion tried and dropped (not faster).
// Run: DOTNET_TieredCompilation=0 dotnet run -c Release -- /tmp/distill-images/mnist-rgb-224-1000/train   (made by bench/image_pipeline.sh)
using System.Diagnostics;
using StbImageSharp;
var files = Directory.GetFiles(args[0], "*.png", SearchOption.AllDirectories).Take(300).ToArray();
var bytes = files.Select(File.ReadAllBytes).ToArray();
var unit = Enumerable.Range(0, 256).Select(v => v / 255f).ToArray();
var img = ImageResult.FromMemory(bytes[0], ColorComponents.RedGreenBlue);
for (int round = 0; round < 3; round++)
{
    var sw = Stopwatch.StartNew();
    foreach (var b in bytes) ImageResult.FromMemory(b, ColorComponents.RedGreenBlue);
    var decode = sw.Elapsed.TotalMilliseconds / bytes.Length;
    sw.Restart();
    for (int k = 0; k < bytes.Length; k++)
    {
        var plane = img.Width * img.Height; var planar = new byte[plane * 3];
        for (var i = 0; i < plane; i++) for (var c = 0; c < 3; c++) planar[c * plane + i] = img.Data[i * 3 + c];
        var scaled = new float[planar.Length]; for (var i = 0; i < planar.Length; i++) scaled[i] = planar[i] / 255f;
    }
    var old = sw.Elapsed.TotalMilliseconds / bytes.Length;
    sw.Restart();
    for (int k = 0; k < bytes.Length; k++)
    {
        int channels = 3; var plane = img.Width * img.Height; var scaled = new float[plane * channels];
        var data = img.Data.AsSpan(0, plane * channels);
        for (var c = 0; c < channels; c++) { var target = scaled.AsSpan(c * plane, plane); for (int i = 0, j = c; i < plane; i++, j += channels) target[i] = unit[data[j]]; }
    }
    Console.WriteLine($"decode {decode:F2} ms/image, planar+scale {old:F2} ms/image, one pass {sw.Elapsed.TotalMilliseconds / bytes.Length:F2} ms/image");
}
