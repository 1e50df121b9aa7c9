using static TorchSharp.torch;

namespace Distill.DataFree;

/// <summary>
/// Inputs optimised against the frozen teacher, starting from noise, in batches (input optimisation).
/// <c>zskd</c> (Nayak, Mopuri, Shaj, Babu, Chakraborty 2019, "Zero-Shot Knowledge Distillation in Deep
/// Networks", Algorithm 1): for class k and scaling factor beta, soft targets y ~ Dir(beta * c_k) with c_k the
/// min-max normalised row k of the class similarity of the teacher's final weights; each impression x
/// minimises H(y, softmax(T(x) / tau)) with Adam. <c>deepinversion</c> (Yin, Molchanov, Alvarez, Li, Mallya,
/// Hoiem, Jha, Kautz 2020, "Dreaming to Distill", eq. 2-4): random target classes y, and x minimises
/// CE(T(x), y) + w_bn R_feature(x) + w_tv R_TV(x) + w_l2 ||x||_2. Either takes the batch-norm term where its weight is above 0.
/// </summary>
public static class DataImpressions
{
    /// <summary>Below this a Dirichlet concentration is raised to it: the min-max normalised row has a 0, where the distribution is undefined.</summary>
    public const double MinConcentration = 1e-3;

    /// <summary>The soft targets of Zero-Shot KD: <paramref name="count"/> rows, shared equally among the betas and, within each, the classes in turn.</summary>
    public static Tensor DirichletTargets(Tensor finalWeights, IReadOnlyList<double> betas, int count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var similarity = DataFreeLosses.ClassSimilarity(finalWeights.detach().to_type(ScalarType.Float64));
        var classes = (int)similarity.shape[0];
        var rows = new List<Tensor>();
        for (var b = 0; b < betas.Count; b++)
        {
            var share = count / betas.Count + (b < count % betas.Count ? 1 : 0);
            var concentration = DataFreeLosses.DirichletConcentration(similarity, betas[b]).clamp_min(MinConcentration);
            var picks = arange(share, dtype: ScalarType.Int64) % classes;
            rows.Add(distributions.Dirichlet(concentration.index_select(0, picks)).sample());
        }
        return cat(rows, 0).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Optimises one batch of impressions for <paramref name="targets"/> (soft rows for zskd, class numbers for
    /// deepinversion); returns them detached, with the last step's loss.
    /// </summary>
    public static (Tensor Images, double Loss) Optimise(DataFreeTeacher teacher, DataFreeOptions options, Tensor targets, IReadOnlyList<long> imageShape, CancellationToken cancellation)
    {
        using var images = new TorchSharp.Modules.Parameter(randn([targets.shape[0], .. imageShape]));
        using var optimizer = optim.Adam([images], options.ImpressionLearningRate, beta1: 0.9, beta2: 0.999);
        var loss = double.NaN;
        for (var step = 0; step < options.ImpressionSteps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (logits, _, batchNorm) = teacher.Forward(images);
            var objective = options.Method == "zskd"
                ? DataFreeLosses.SoftTargetCrossEntropy(logits, targets, options.ImpressionTemperature)
                : nn.functional.cross_entropy(logits, targets) + options.TotalVariationWeight * DataFreeLosses.TotalVariation(images) + options.L2Weight * images.norm();
            if (batchNorm is not null) objective = objective + options.EffectiveBatchNormWeight * batchNorm;
            objective.backward();
            optimizer.step();
            if (step == options.ImpressionSteps - 1) loss = objective.item<float>();
        }
        return (images.detach().clone(), loss);
    }
}
