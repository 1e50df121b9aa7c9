using Distill.Features;
using Distill.Losses;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Methods;

/// <summary>
/// Contrastive representation distillation (Tian, Krishnan, Isola 2020, "Contrastive Representation
/// Distillation"), as RepDistiller implements it: both embeddings are projected by learned linear
/// heads to FeatureDimension and L2-normalised; two memory banks (one per model, a row per training
/// sample) hold momentum averages of past embeddings; each sample is contrasted with its own row
/// and Negatives rows drawn from the other model's bank, NCE with uniform noise, both directions
/// added: crd = ContrastWeight * (NCE_s + NCE_t). The normaliser Z of each direction is fixed from
/// the first batch. Differs from RepDistiller's "exact" mode in two respects: negatives are drawn
/// uniformly from all training rows (the memory-bank NCE of Wu et al. 2018) rather than only from
/// other classes (with 10 classes a tenth of the draws share the sample's class), and one draw of
/// Negatives rows per step is shared by the batch rather than drawn per sample, which turns a
/// [batch, K + 1, d] gather into one matrix product (measured on 2 CPU cores: one Fashion-MNIST
/// epoch with 4096 per-sample negatives took 473 s, bench/RESULTS.md gives the shared cost). Heads,
/// banks, Z and the sampling generator are checkpointed, so a resumed run draws the same negatives.
/// </summary>
public sealed class Contrastive : LayerPairMethod, IDescribedMethod
{
    private readonly Linear embedStudent;
    private readonly Linear embedTeacher;
    private readonly Tensor memoryStudent;
    private readonly Tensor memoryTeacher;
    private readonly Tensor normalizers;
    private readonly Generator _sampler;
    private readonly ContrastiveOptions _options;
    private readonly long _negatives;

    public Contrastive(LayerShape student, LayerShape teacher, long trainCount, int seed, ContrastiveOptions options) : base(nameof(Contrastive), student.Name, teacher.Name)
    {
        if (trainCount < 2) throw new DistillException("CRD needs a training set of at least 2 rows.");
        _options = options;
        _negatives = Math.Min(options.Negatives, trainCount - 1);
        embedStudent = Linear(Size(student), options.FeatureDimension);
        embedTeacher = Linear(Size(teacher), options.FeatureDimension);
        _sampler = new Generator((ulong)seed + 7919);
        var bound = 1.0 / Math.Sqrt(options.FeatureDimension / 3.0);
        memoryStudent = rand([trainCount, options.FeatureDimension], generator: _sampler) * (2 * bound) - bound;
        memoryTeacher = rand([trainCount, options.FeatureDimension], generator: _sampler) * (2 * bound) - bound;
        normalizers = full(2, -1.0, float64);
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<ContrastiveOptions>(
        "crd",
        "Contrast each sample's student embedding with the teacher's for it and for other samples (memory bank, NCE).",
        "Tian, Krishnan, Isola 2020, Contrastive Representation Distillation",
        defaultHardLabelWeight: 1,
        create: (o, context) =>
        {
            var (s, t) = LayerChoice.Single(o.StudentLayer, o.TeacherLayer, context, DefaultLayers.Embedding, "crd");
            return new Contrastive(context.Student(s), context.Teacher(t), context.TrainCount, context.Seed, o);
        },
        readsLayers: true);

    public override IReadOnlyDictionary<string, Generator> Generators => new Dictionary<string, Generator> { ["negatives"] = _sampler };

    public override LossTerms forward(DistillationStep step)
    {
        var rows = step.Rows;
        var student = nn.functional.normalize(embedStudent.call(step.StudentFeatures[StudentLayer].flatten(1)), p: 2, dim: 1);
        var teacher = nn.functional.normalize(embedTeacher.call(step.TeacherFeatures[TeacherLayer].flatten(1)), p: 2, dim: 1);
        var negatives = randint(0, memoryStudent.shape[0], [_negatives], generator: _sampler, device: rows.device);
        // Each model's embedding is scored against the other model's memory.
        var studentScores = Scores(memoryTeacher, rows, negatives, student, 0);
        var teacherScores = Scores(memoryStudent, rows, negatives, teacher, 1);
        var trainCount = memoryStudent.shape[0];
        var loss = ContrastiveRepresentationLoss.Nce(studentScores, trainCount) + ContrastiveRepresentationLoss.Nce(teacherScores, trainCount);
        if (training) Update(rows, student, teacher);
        return new LossTerms().Add("crd", loss, _options.ContrastWeight);
    }

    private Tensor Scores(Tensor memory, Tensor rows, Tensor negatives, Tensor embeddings, int direction)
    {
        var positive = memory.index_select(0, rows);
        var negative = memory.index_select(0, negatives);
        if (normalizers[direction].item<double>() < 0)
        {
            using var noGrad = no_grad();
            using var raw = ContrastiveRepresentationLoss.SharedScores(positive, negative, embeddings, _options.Temperature, 1.0);
            normalizers[direction] = raw.mean().to(float64) * memory.shape[0];
        }
        return ContrastiveRepresentationLoss.SharedScores(positive, negative, embeddings, _options.Temperature, normalizers[direction].item<double>());
    }

    private void Update(Tensor rows, Tensor student, Tensor teacher)
    {
        using var noGrad = no_grad();
        foreach (var (memory, embedding) in new[] { (memoryStudent, student), (memoryTeacher, teacher) })
        {
            var updated = memory.index_select(0, rows) * _options.Momentum + embedding.detach() * (1 - _options.Momentum);
            memory.index_copy_(0, rows, nn.functional.normalize(updated, p: 2, dim: 1));
        }
    }

    private static long Size(LayerShape layer) => layer.Shape.Aggregate(1L, (a, b) => a * b);
}
