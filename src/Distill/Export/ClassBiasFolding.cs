using Distill.Evaluation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Export;

/// <summary>
/// Puts a <see cref="ClassBias"/> into a model: added to the bias of its output layer (the last linear
/// layer, whose outputs are the logits), which is what Hinton et al. (2015, §3) did by hand for class 3.
/// The exported graph then predicts the corrected classes with no extra operation.
/// </summary>
public static class ClassBiasFolding
{
    public static void Apply(nn.Module model, ClassBias bias, int classCount)
    {
        bias.Check(classCount, "the model's card");
        // The output layer: the last dense layer, TorchSharp's Linear or Distill's MixedLinear (mlp and cnn specs).
        var last = model.modules().LastOrDefault(m => m is Linear or Models.MixedLinear)
            ?? throw new DistillException("The model has no linear output layer to add the class bias to.");
        var (outputs, layerBias) = last switch
        {
            Linear linear => (linear.out_features, linear.bias),
            Models.MixedLinear mixed => (mixed.Bias.shape[0], (Tensor?)mixed.Bias),
            _ => throw new InvalidOperationException("unreachable: the layer was chosen as Linear or MixedLinear"),
        };
        if (outputs != classCount || layerBias is null)
            throw new DistillException($"The model's last linear layer gives {outputs} outputs{(layerBias is null ? " without a bias" : "")}, so the class bias of {classCount} classes cannot be added to it.");
        using var _ = no_grad();
        using var values = tensor(bias.Values.Select(v => (float)v).ToArray(), dtype: layerBias.dtype);
        layerBias.add_(values);
    }
}
