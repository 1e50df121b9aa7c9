using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Measures a <see cref="ModelCost"/> by one forward pass of a zero input in eval mode, with forward
/// hooks on the leaf modules: a convolution costs (output values) x (input channels per group) x
/// kernel area multiply-adds, a dense layer (output values) x (input features).
/// </summary>
public static class ModelCostMeter
{
    public static ModelCost Measure(nn.Module<Tensor, Tensor> model, IReadOnlyList<long> inputShape)
    {
        long largest = 0, activations = 0, multiplyAdds = 0;
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            if (module.named_children().Any() || module is not nn.Module<Tensor, Tensor> leaf) continue;
            var weight = module.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter;
            // Read now: the hook runs inside the forward pass, where the weight may be cast.
            var perOutput = weight is null ? 0 : weight.dim() switch
            {
                4 => weight.shape[1] * weight.shape[2] * weight.shape[3],
                2 => weight.shape[1],
                _ => 0,
            };
            var handle = leaf.register_forward_hook((_, _, output) =>
            {
                var values = output.numel();
                largest = Math.Max(largest, values);
                activations += values;
                multiplyAdds += values * perOutput;
                return output;
            });
            removers.Add(handle.remove);
        }
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var parameter = model.parameters().FirstOrDefault();
            model.call(zeros([1, .. inputShape], dtype: parameter?.dtype ?? float32, device: parameter?.device));
        }
        finally
        {
            foreach (var remove in removers) remove();
            model.train(wasTraining);
        }
        return new ModelCost(ModelBuilder.CountParameters(model), largest, activations, multiplyAdds);
    }
}
