using static TorchSharp.torch;

namespace Distill.Features;

/// <summary>
/// The layers a model runs, in the order their forward passes finish, with their output shapes:
/// found by one forward pass of a zero batch of two samples in eval mode (two, so batch norm runs),
/// and what method defaults and regressors are built from.
/// </summary>
public static class FeatureProbe
{
    public static IReadOnlyList<LayerShape> Layers(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> inputShape)
    {
        var named = model.named_modules().ToList();
        var byName = named.ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        var modules = named
            .Where(m => m.name.Length > 0 && m.module is nn.Module<Tensor, Tensor> && !IsBlockActivation(m.name, m.module, byName))
            .Select(m => m.name)
            .ToList();
        var order = new List<LayerShape>();
        using var taps = new FeatureTaps(model, modules, "model");
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var parameter = model.parameters().FirstOrDefault();
            using var input = zeros([2, .. inputShape], dtype: parameter?.dtype ?? float32, device: parameter?.device);
            using (taps.Arm())
                model.call(input);
            // The taps' dictionary keeps insertion order of first completion for distinct keys.
            foreach (var (name, output) in taps.Recorded)
                order.Add(new LayerShape(name, output.shape[1..]));
        }
        finally
        {
            model.train(wasTraining);
        }
        return order;
    }

    // The ReLUs inside a zoo residual block are modules only so quantization-aware training sees their
    // outputs; they are not layers to read: a pre-activation WRN's stage output stays the next block's
    // first batch norm, as RepDistiller reads it, and the layer lists stay what they were.
    private static bool IsBlockActivation(string name, nn.Module module, IReadOnlyDictionary<string, nn.Module> byName)
    {
        if (module is not TorchSharp.Modules.ReLU) return false;
        var dot = name.LastIndexOf('.');
        return dot > 0 && byName.TryGetValue(name[..dot], out var parent) && parent is Models.Zoo.BasicBlock or Models.Zoo.WideBasicBlock;
    }
}
