using Distill.Data;
using Distill.Evaluation;
using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// Distills from a frozen teacher. When the training inputs are not augmented the teacher's
/// logits never change, so they are computed once for the whole training set and looked up
/// by row; with augmentation the teacher runs on every augmented batch.
/// </summary>
public sealed class DistillationObjective : ITrainingObjective, IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _teacher;
    private readonly IDistillationMethod _method;
    private readonly Tensor? _cachedLogits;
    private readonly bool _ownsCache;

    public DistillationObjective(nn.Module<Tensor, Tensor> teacher, IDistillationMethod method, LabeledDataset? cacheFor)
    {
        _teacher = teacher;
        _method = method;
        Freeze(teacher);
        _cachedLogits = cacheFor is null ? null : Evaluator.Logits(teacher, cacheFor.Features);
        _ownsCache = true;
    }

    /// <summary>
    /// Looks teacher logits up in <paramref name="sharedLogits"/>, computed once for the training set
    /// by the caller, so every student of a sweep reuses one cache. The caller keeps and disposes it.
    /// </summary>
    public DistillationObjective(nn.Module<Tensor, Tensor> teacher, IDistillationMethod method, Tensor sharedLogits)
    {
        _teacher = teacher;
        _method = method;
        Freeze(teacher);
        _cachedLogits = sharedLogits;
    }

    /// <summary>True when teacher logits come from the cache rather than a forward pass per step.</summary>
    public bool UsesCache => _cachedLogits is not null;

    /// <summary>Eval mode (dropout and batch-norm statistics fixed) and no gradients, for good.</summary>
    public static void Freeze(nn.Module teacher)
    {
        teacher.eval();
        foreach (var parameter in teacher.parameters()) parameter.requires_grad = false;
    }

    public LossTerms Compute(Tensor logits, Tensor labels, Tensor inputs, Tensor rows)
    {
        Tensor teacherLogits;
        if (_cachedLogits is not null)
        {
            teacherLogits = _cachedLogits.index_select(0, rows);
        }
        else
        {
            using var noGrad = no_grad();
            teacherLogits = _teacher.call(inputs);
        }
        return _method.Compute(new DistillationBatch(logits, teacherLogits, labels));
    }

    public void Dispose()
    {
        if (_ownsCache) _cachedLogits?.Dispose();
    }
}
