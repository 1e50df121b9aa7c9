namespace Distill.Models;

/// <summary>
/// Keras-style "same" padding: the output has ceil(input / stride) positions, and any odd
/// padding goes after (right, bottom), which PyTorch's symmetric padding cannot express.
/// </summary>
public static class SamePadding
{
    public static (long Before, long After) For(long input, int kernel, int stride)
    {
        var output = (input + stride - 1) / stride;
        var total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }
}
