using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.TorchVision;

/// <summary>
/// torchvision's initialisation of MobileNetV3 and EfficientNet: He-normal by fan-out for
/// convolutions with zero biases, unit batch-norm scales and zero shifts; dense layers N(0, 0.01)
/// (MobileNetV3) or U(-1/sqrt(out), 1/sqrt(out)) (EfficientNet), with zero biases.
/// </summary>
internal static class TorchVisionInit
{
    /// <param name="linearStd">The dense layers' standard deviation; null for EfficientNet's uniform range.</param>
    public static void Apply(nn.Module model, double? linearStd)
    {
        // torchvision's kaiming_normal_ keeps its default gain (leaky ReLU, slope 0): the ReLU gain the zoo uses.
        Zoo.ZooInit.HeFanOut(model);
        using var noGrad = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Linear linear when linearStd is { } std:
                    linear.weight!.normal_(0, std);
                    linear.bias?.zero_();
                    break;
                case Linear linear:
                    var range = 1.0 / Math.Sqrt(linear.out_features);
                    linear.weight!.uniform_(-range, range);
                    linear.bias?.zero_();
                    break;
            }
        }
    }
}
