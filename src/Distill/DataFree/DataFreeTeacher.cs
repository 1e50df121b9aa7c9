using Distill.Teachers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DataFree;

/// <summary>
/// A frozen teacher seen from its input: it gives the logits of a batch together with what the
/// data-free losses read inside it, through forward hooks (the model needs no changes): the input of its
/// final layer (DAFL's penultimate features) and, for each batch-norm layer, DeepInversion's distance
/// between the batch's statistics and the running ones. Its weights never change; gradients flow to the input.
/// An ONNX teacher is refused: ONNX Runtime gives no gradient with respect to the input. A TorchScript
/// teacher gives input gradients and its final weights, but no hooks: the activation and batch-norm terms need a Distill model.
/// </summary>
public sealed class DataFreeTeacher : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly List<Action> _removers = [];
    private readonly List<Tensor> _batchNormTerms = [];
    private Tensor? _features;
    private bool _armed;

    /// <param name="needFeatures">Read the final layer's input (DAFL's activation loss).</param>
    /// <param name="needBatchNorm">Read every batch-norm layer's input (DeepInversion's statistic loss).</param>
    public DataFreeTeacher(nn.Module<Tensor, Tensor> model, int classCount, bool needFeatures, bool needBatchNorm)
    {
        if (model is OnnxTeacher onnx)
            throw new DistillException($"The teacher '{onnx.FilePath}' is an ONNX model, which gives no gradients with respect to its input, so data-free distillation cannot use it; use a teacher trained or saved by Distill, or a TorchScript file.");
        _model = model;
        _model.eval();
        foreach (var parameter in _model.parameters()) parameter.requires_grad = false;
        if (model is TorchScriptTeacher script)
        {
            FinalWeights = FinalOf(script.Parameters, classCount) ?? throw new DistillException($"The teacher '{script.FilePath}' has no final-layer weights of shape [{classCount}, features] that Distill can find.");
            if (needFeatures || needBatchNorm)
                throw new DistillException($"The teacher '{script.FilePath}' is TorchScript, whose inner layers Distill cannot read, so it can take neither DAFL's activation loss nor the batch-norm loss; set their weights to 0 or use a teacher saved by Distill.");
            return;
        }
        var final = model.named_modules().Where(m => m.module.named_parameters(recurse: false).Any(p => p.name == "weight" && p.parameter.dim() == 2 && p.parameter.shape[0] == classCount)).LastOrDefault();
        if (final.module is not nn.Module<Tensor, Tensor> finalLayer)
            throw new DistillException($"The teacher has no final dense layer of {classCount} outputs, so its class similarity and penultimate features cannot be read.");
        FinalWeights = finalLayer.named_parameters(recurse: false).First(p => p.name == "weight").parameter;
        if (needFeatures)
            _removers.Add(finalLayer.register_forward_hook((_, input, output) =>
            {
                if (_armed) _features = input.alias();
                return output;
            }).remove);
        if (!needBatchNorm) return;
        var norms = model.modules().Where(m => m is BatchNorm1d or BatchNorm2d or BatchNorm3d).Cast<nn.Module<Tensor, Tensor>>().ToList();
        if (norms.Count == 0)
            throw new DistillException("The batch-norm statistic loss needs a teacher with batch-norm layers, and this teacher has none; set the batch-norm weight to 0.");
        foreach (var norm in norms)
        {
            var (mean, variance) = RunningStatistics(norm);
            _removers.Add(norm.register_forward_hook((_, input, output) =>
            {
                if (_armed) _batchNormTerms.Add(DataFreeLosses.BatchNormStatistics([(input, mean, variance)]));
                return output;
            }).remove);
        }
    }

    /// <summary>The final layer's weights, [classes, features] (Zero-Shot KD's class similarity).</summary>
    public Tensor FinalWeights { get; }

    /// <summary>The teacher's logits on <paramref name="input"/>, its final layer's input when asked for, and the summed batch-norm loss when asked for.</summary>
    public (Tensor Logits, Tensor? Features, Tensor? BatchNorm) Forward(Tensor input)
    {
        _features = null;
        _batchNormTerms.Clear();
        _armed = true;
        try
        {
            var logits = _model.call(input);
            Tensor? batchNorm = null;
            foreach (var term in _batchNormTerms) batchNorm = batchNorm is null ? term : batchNorm + term;
            return (logits, _features, batchNorm);
        }
        finally
        {
            _armed = false;
        }
    }

    /// <summary>The logits alone, without gradients (the student's targets).</summary>
    public Tensor Logits(Tensor input)
    {
        using var noGrad = no_grad();
        return _model.call(input);
    }

    private static Tensor? FinalOf(IEnumerable<(string Name, Tensor Parameter)> parameters, int classCount) =>
        parameters.Where(p => p.Name.EndsWith("weight", StringComparison.Ordinal) && p.Parameter.dim() == 2 && p.Parameter.shape[0] == classCount)
            .Select(p => p.Parameter).LastOrDefault();

    private static (Tensor Mean, Tensor Variance) RunningStatistics(nn.Module<Tensor, Tensor> norm) => norm switch
    {
        BatchNorm1d b => (b.running_mean!, b.running_var!),
        BatchNorm2d b => (b.running_mean!, b.running_var!),
        BatchNorm3d b => (b.running_mean!, b.running_var!),
        _ => throw new ArgumentException("Not a batch-norm layer.", nameof(norm)),
    };

    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
    }
}
