using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Contrastive representation distillation (Tian, Krishnan, Isola 2020, "Contrastive
/// Representation Distillation"), its NCE form (Eq. 18) as in RepDistiller's <c>ContrastLoss</c>
/// and <c>ContrastMemory</c>. State lives outside these functions, in the method module:
/// two memory banks [N, d] of L2-normalised embeddings (one per network, rows initialised
/// uniformly in +-1/sqrt(d/3), each row updated after the step as normalise(m * row + (1 - m) * v)
/// with momentum m = 0.5), the K + 1 rows sampled per example (column 0 the example's own index,
/// then K uniform draws), and the normaliser Z, fixed once from the first batch as the mean of
/// exp(score / nce_t) times N. RepDistiller adds the loss of both directions (student
/// embeddings against the teacher's memory and the reverse).
/// </summary>
public static class ContrastiveRepresentationLoss
{
    private const double Eps = 1e-7;

    /// <summary>
    /// The scores [batch, K + 1] of embeddings v [batch, d] against their sampled memory rows
    /// [batch, K + 1, d]: exp(row . v / temperature) / normalizer. The memory rows are detached,
    /// as in RepDistiller, so gradients reach the embeddings only.
    /// </summary>
    public static Tensor Scores(Tensor memoryRows, Tensor embeddings, double temperature, double normalizer)
    {
        if (memoryRows.dim() != 3 || embeddings.dim() != 2 || memoryRows.shape[0] != embeddings.shape[0] || memoryRows.shape[2] != embeddings.shape[1])
            throw new DistillException(
                $"CRD scores need memory rows [batch, K + 1, d] and embeddings [batch, d]; got {FeatureChecks.Shape(memoryRows)} and {FeatureChecks.Shape(embeddings)}.");
        TemperatureCheck.Check(temperature);
        if (!(normalizer > 0) || double.IsInfinity(normalizer))
            throw new DistillException(FormattableString.Invariant($"The CRD normaliser Z must be a positive number, not {normalizer}."));
        using var scope = NewDisposeScope();
        var dot = bmm(memoryRows.detach(), embeddings.unsqueeze(2)).squeeze(2);
        return ((dot / temperature).exp() / normalizer).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same scores as <see cref="Scores"/> when every sample of the batch shares one draw of
    /// negatives: column 0 is exp(p_i . v_i / temperature) / normalizer with p_i the sample's own memory
    /// row [batch, d], columns 1..K are exp(n_k . v_i / temperature) / normalizer with the shared rows
    /// n [K, d]. One matrix product instead of a [batch, K + 1, d] gather, which on a CPU is the
    /// difference between memory-bound minutes and milliseconds per epoch. Memory rows are detached.
    /// </summary>
    public static Tensor SharedScores(Tensor positiveRows, Tensor negativeRows, Tensor embeddings, double temperature, double normalizer)
    {
        if (positiveRows.dim() != 2 || negativeRows.dim() != 2 || embeddings.dim() != 2 || !positiveRows.shape.SequenceEqual(embeddings.shape)
            || negativeRows.shape[1] != embeddings.shape[1])
            throw new DistillException(
                $"CRD shared scores need positive rows [batch, d], negative rows [K, d] and embeddings [batch, d]; got {FeatureChecks.Shape(positiveRows)}, {FeatureChecks.Shape(negativeRows)} and {FeatureChecks.Shape(embeddings)}.");
        TemperatureCheck.Check(temperature);
        if (!(normalizer > 0) || double.IsInfinity(normalizer))
            throw new DistillException(FormattableString.Invariant($"The CRD normaliser Z must be a positive number, not {normalizer}."));
        using var scope = NewDisposeScope();
        var positive = (positiveRows.detach() * embeddings).sum(1, keepdim: true);
        var negative = embeddings.matmul(negativeRows.detach().t());
        return ((cat([positive, negative], 1) / temperature).exp() / normalizer).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The NCE loss of scores [batch, K + 1] (column 0 the positive, K = columns - 1 negatives)
    /// with the uniform noise probability 1 / <paramref name="dataCount"/>:
    /// -(sum_i log(P_i0 / (P_i0 + K/N + eps)) + sum_i sum_k log((K/N) / (P_ik + K/N + eps))) / batch,
    /// eps = 1e-7. Unweighted scalar.
    /// </summary>
    public static Tensor Nce(Tensor scores, long dataCount)
    {
        if (scores.dim() != 2 || scores.shape[1] < 2)
            throw new DistillException($"CRD scores must be [batch, K + 1] with K >= 1 negatives, not {FeatureChecks.Shape(scores)}.");
        if (dataCount <= 0) throw new DistillException($"The CRD data count N must be positive, not {dataCount}.");
        using var scope = NewDisposeScope();
        var noise = (double)(scores.shape[1] - 1) / dataCount;
        var positive = scores.select(1, 0);
        var negatives = scores.narrow(1, 1, scores.shape[1] - 1);
        var logPositive = (positive / (positive + (noise + Eps))).log();
        var logNegative = (noise / (negatives + (noise + Eps))).log();
        return (-(logPositive.sum() + logNegative.sum()) / (double)scores.shape[0]).MoveToOuterDisposeScope();
    }
}
