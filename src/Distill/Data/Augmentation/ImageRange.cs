using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>
/// The black and white level of each channel, [1, C, 1, 1] each, as the (normalised) training set
/// holds them: borders that transforms uncover are filled with black, and brightness scales the
/// distance from black and clips at white, so the transforms mean the same before and after
/// per-channel standardisation.
/// </summary>
public sealed class ImageRange : IDisposable
{
    public ImageRange(Tensor black, Tensor white)
    {
        Black = black;
        White = white;
    }

    public Tensor Black { get; }

    public Tensor White { get; }

    /// <summary>The per-channel minimum and maximum of <paramref name="features"/> [N, C, H, W].</summary>
    public static ImageRange Measure(Tensor features)
    {
        using var scope = NewDisposeScope();
        var channels = features.shape[1];
        var perChannel = features.transpose(0, 1).reshape(channels, -1);
        var black = perChannel.min(1).values.view(1, channels, 1, 1);
        var white = perChannel.max(1).values.view(1, channels, 1, 1);
        return new ImageRange(black.MoveToOuterDisposeScope(), white.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        Black.Dispose();
        White.Dispose();
    }
}
