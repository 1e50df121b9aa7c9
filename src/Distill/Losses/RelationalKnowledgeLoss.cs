using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// Relational knowledge distillation (Park, Kim, Lu, Cho 2019, "Relational Knowledge
/// Distillation"), its two losses on embeddings [batch, ...] flattened to [batch, d]
/// (student and teacher widths may differ). Both use the smooth L1 (Huber) loss with beta 1,
/// averaged over its elements. Follows mdistiller: the teacher side is detached, pairwise
/// distances are sqrt(max(||x_i||^2 + ||x_j||^2 - 2 x_i.x_j, eps)) with eps = 1e-12 (or the
/// clamped squares when <c>squared</c>), the diagonal set to 0, and each distance matrix is
/// divided by the mean of its positive entries (the paper's mu, over the distinct pairs).
/// </summary>
public static class RelationalKnowledgeLoss
{
    /// <summary>
    /// RKD distance loss: smooth L1 between the student's and the teacher's mean-normalised
    /// pairwise distance matrices [batch, batch]. Unweighted scalar.
    /// </summary>
    public static Tensor Distance(Tensor studentEmbedding, Tensor teacherEmbedding, bool squared = false, double eps = 1e-12)
    {
        FeatureChecks.SameBatch(studentEmbedding, teacherEmbedding, "RKD distance");
        if (!(eps > 0)) throw new DistillException(FormattableString.Invariant($"RKD distance: eps must be positive, not {eps}."));
        using var scope = NewDisposeScope();
        var student = NormalisedDistances(studentEmbedding, squared, eps);
        var teacher = NormalisedDistances(teacherEmbedding.detach(), squared, eps);
        return nn.functional.smooth_l1_loss(student, teacher, reduction: nn.Reduction.Mean, beta: 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// RKD angle loss: for every triple (i, j, k), cos of the angle at x_i between x_j and x_k,
    /// e_ij . e_ik with e_ij = (x_j - x_i) / ||x_j - x_i|| (norm floored at 1e-12); smooth L1
    /// between the student's and the teacher's [batch, batch, batch] cosines. Unweighted scalar.
    /// </summary>
    public static Tensor Angle(Tensor studentEmbedding, Tensor teacherEmbedding)
    {
        FeatureChecks.SameBatch(studentEmbedding, teacherEmbedding, "RKD angle");
        using var scope = NewDisposeScope();
        var student = Angles(studentEmbedding);
        var teacher = Angles(teacherEmbedding.detach());
        return nn.functional.smooth_l1_loss(student, teacher, reduction: nn.Reduction.Mean, beta: 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>Pairwise Euclidean (or squared) distances [batch, batch] with a zero diagonal, mdistiller's eps convention.</summary>
    public static Tensor PairwiseDistances(Tensor embedding, bool squared = false, double eps = 1e-12)
    {
        using var scope = NewDisposeScope();
        var flat = embedding.reshape(embedding.shape[0], -1);
        var squares = flat.pow(2).sum([1]);
        var distances = (squares.unsqueeze(1) + squares.unsqueeze(0) - 2.0 * flat.mm(flat.t())).clamp_min(eps);
        if (!squared) distances = distances.sqrt();
        var offDiagonal = 1.0 - eye(flat.shape[0], dtype: flat.dtype, device: flat.device);
        return (distances * offDiagonal).MoveToOuterDisposeScope();
    }

    private static Tensor NormalisedDistances(Tensor embedding, bool squared, double eps)
    {
        var distances = PairwiseDistances(embedding, squared, eps);
        return distances / distances.masked_select(distances > 0).mean();
    }

    private static Tensor Angles(Tensor embedding)
    {
        var flat = embedding.reshape(embedding.shape[0], -1);
        var differences = flat.unsqueeze(0) - flat.unsqueeze(1);
        var unit = nn.functional.normalize(differences, p: 2.0, dim: 2, eps: 1e-12);
        return bmm(unit, unit.transpose(1, 2)).reshape(-1);
    }
}
