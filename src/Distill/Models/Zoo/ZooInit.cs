using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Zoo;

/// <summary>The weight initialisations the reference implementations use, applied after construction.</summary>
internal static class ZooInit
{
    /// <summary>
    /// He initialisation by fan-out (std sqrt(2 / (k*k*out))) for convolutions, zero conv biases,
    /// unit batch-norm scales: what RepDistiller's CIFAR ResNet, WRN, VGG and MobileNetV2 do.
    /// Dense layers keep their default, or N(0, 0.01) with zero bias when <paramref name="smallDense"/>.
    /// </summary>
    public static void HeFanOut(nn.Module model, bool smallDense = false)
    {
        using var noGrad = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    conv.bias?.zero_();
                    break;
                case BatchNorm2d norm:
                    norm.weight?.fill_(1);
                    norm.bias?.zero_();
                    break;
                case MixedLinear dense when smallDense:
                    foreach (var (name, parameter) in dense.named_parameters())
                        if (name == "weight") parameter.normal_(0, 0.01);
                        else parameter.zero_();
                    break;
            }
        }
    }

    /// <summary>Keras' defaults: Glorot-uniform weights and zero biases for convolutions and dense layers.</summary>
    public static void Glorot(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var module in model.modules())
        {
            var parameters = module switch
            {
                Conv2d or MixedLinear => module.named_parameters(recurse: false).ToList(),
                _ => [],
            };
            foreach (var (name, parameter) in parameters)
                if (name == "weight") nn.init.xavier_uniform_(parameter);
                else parameter.zero_();
        }
    }
}
