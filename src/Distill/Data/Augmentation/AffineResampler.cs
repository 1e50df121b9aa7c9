using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Data.Augmentation;

/// <summary>
/// Resamples a batch through one 2x3 affine matrix per image (affine_grid + bilinear grid_sample,
/// align_corners false): output pixel p reads the input at theta * p, both in coordinates that run
/// from -1 to 1 across the image. Whatever falls outside the input is filled with black.
/// </summary>
internal static class AffineResampler
{
    /// <param name="pixelMatrices">[N, 2, 2] linear maps from output to input in pixel units (x right, y down),
    /// about the image centre; converted here to the normalised coordinates affine_grid takes.</param>
    public static Tensor Resample(Tensor images, Tensor pixelMatrices, Tensor black)
    {
        using var scope = NewDisposeScope();
        var (n, height, width) = (images.shape[0], images.shape[2], images.shape[3]);
        // Normalised x = pixel x / (W / 2): theta = D^-1 A D with D = diag(W/2, H/2), so rotations stay
        // rotations on images that are not square.
        var toPixels = tensor(new float[] { width / 2f, 0, 0, height / 2f }).view(1, 2, 2);
        var fromPixels = tensor(new float[] { 2f / width, 0, 0, 2f / height }).view(1, 2, 2);
        var linear = fromPixels.matmul(pixelMatrices.to_type(ScalarType.Float32)).matmul(toPixels);
        var theta = cat([linear, zeros(n, 2, 1)], 2);
        var grid = nn.functional.affine_grid(theta, [n, images.shape[1], height, width], align_corners: false);
        var sampled = nn.functional.grid_sample(images - black, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        return (sampled + black).MoveToOuterDisposeScope();
    }

    /// <summary>[N] values drawn uniformly from [-limit, limit].</summary>
    public static Tensor Symmetric(long n, double limit, Generator generator)
    {
        using var draws = rand([n], ScalarType.Float64, generator: generator);
        return draws.mul(HeldScalar.Of(2 * limit)).sub_(HeldScalar.Of(limit));
    }
}
