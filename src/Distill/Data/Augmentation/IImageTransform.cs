using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>
/// One random image transform, applied to a whole batch [N, C, H, W] at once. Every random draw
/// comes from the pipeline's generator, so a batch's result depends only on the seed and on how
/// many batches came before it.
/// </summary>
public interface IImageTransform
{
    /// <summary>The transform as the augmentation grammar writes it, e.g. "rotate:10".</summary>
    string Spec { get; }

    /// <summary>Checks the transform suits images of <paramref name="height"/> x <paramref name="width"/>; throws one sentence if not.</summary>
    void Check(long height, long width) { }

    /// <summary>A transformed copy of <paramref name="images"/>.</summary>
    Tensor Apply(Tensor images, ImageRange range, Generator generator);
}
