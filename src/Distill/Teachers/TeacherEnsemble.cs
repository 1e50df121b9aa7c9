using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// Several frozen teachers seen as one: its forward pass returns one set of logits combined from
/// the members' (<see cref="Combine"/>), so the logit cache, evaluation, latency and every logit
/// method use it like any teacher. Its inner layers are the members', which differ, so the feature
/// methods refuse it. The members stay owned by whoever built them.
/// </summary>
public sealed class TeacherEnsemble : nn.Module<Tensor, Tensor>
{
    // A plain list, not registered submodules: the members belong to the study, which disposes them.
    private readonly IReadOnlyList<nn.Module<Tensor, Tensor>> _members;

    /// <param name="temperature">The distillation temperature T the probability modes average at.</param>
    public TeacherEnsemble(IReadOnlyList<nn.Module<Tensor, Tensor>> members, EnsembleMode mode, double temperature) : base(nameof(TeacherEnsemble))
    {
        if (members.Count < 2) throw new DistillException($"An ensemble needs at least 2 teachers, not {members.Count}.");
        Losses.TemperatureCheck.Check(temperature);
        foreach (var member in members) LiveTeacher.Freeze(member);
        _members = members;
        Mode = mode;
        Temperature = temperature;
    }

    public EnsembleMode Mode { get; }

    public double Temperature { get; }

    public int Count => _members.Count;

    /// <summary>Why feature methods cannot use an ensemble, as one sentence.</summary>
    public static string NoLayersMessage =>
        "A teacher ensemble has no inner layers of its own (each member has different ones), so only the logit methods (kd, dkd, ls) apply to it.";

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var logits = _members.Select(m => m.call(input)).ToList();
        return Combine(logits, Mode, Temperature).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One teacher's logits z from the members' logits z_1..z_K ([batch, classes] each):
    /// <list type="bullet">
    /// <item>logits: z = (1/K) sum_k z_k.</item>
    /// <item>probabilities: p = (1/K) sum_k softmax(z_k / T), returned as z = T log p, so that the
    /// soft targets every logit method forms, softmax(z / T), are exactly p.</item>
    /// <item>confidence: as probabilities with per-sample weights w_k = c_k / sum_j c_j, where
    /// c_k = max_c softmax(z_k)_c is member k's confidence in its own prediction (at T = 1):
    /// p = sum_k w_k softmax(z_k / T), z = T log p.</item>
    /// </list>
    /// The averages are taken in log space (logsumexp), so a probability too small for float32 stays finite.
    /// </summary>
    public static Tensor Combine(IReadOnlyList<Tensor> logits, EnsembleMode mode, double temperature)
    {
        if (logits.Count == 0) throw new DistillException("An ensemble needs at least one member's logits.");
        using var scope = NewDisposeScope();
        var stacked = stack(logits.Select(l => l.to_type(ScalarType.Float32)).ToArray(), 0);
        if (mode == EnsembleMode.Logits) return stacked.mean([0]).MoveToOuterDisposeScope();
        var logProbabilities = nn.functional.log_softmax(stacked / temperature, 2);
        var logWeights = mode == EnsembleMode.Probabilities
            ? full([logits.Count, stacked.shape[1], 1], -Math.Log(logits.Count), dtype: ScalarType.Float32, device: stacked.device)
            : ConfidenceLogWeights(stacked);
        return (logsumexp(logProbabilities + logWeights, 0) * temperature).MoveToOuterDisposeScope();
    }

    /// <summary>log w_k per sample ([members, batch, 1]): each member's top probability at T = 1, normalised over the members.</summary>
    private static Tensor ConfidenceLogWeights(Tensor stacked)
    {
        var confidence = nn.functional.log_softmax(stacked, 2).max(2, keepdim: true).values;
        return confidence - logsumexp(confidence, 0, keepdim: true);
    }
}
