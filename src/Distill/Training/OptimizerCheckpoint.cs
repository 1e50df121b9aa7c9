using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// The per-parameter state of the optimizers Distill creates (SGD momentum buffers, Adam and
/// AdamW moments), named <c>optimizer.{index}.{field}</c> in a <see cref="TrainingCheckpoint"/>.
/// TorchSharp's own optimizer serialisation is not used: its reader trusts the shapes it reads.
/// </summary>
internal static class OptimizerCheckpoint
{
    public static List<OptimizerState> States(optim.Optimizer optimizer) => optimizer switch
    {
        OptimizerHelper helper => helper.state_dict().State,
        _ => throw new DistillException($"The optimizer {optimizer.GetType().Name} cannot be checkpointed."),
    };

    public static IEnumerable<(string Field, Tensor Tensor)> Tensors(OptimizerState state)
    {
        var fields = state switch
        {
            SGD.State s => new[] { ("momentum_buffer", s.momentum_buffer) },
            Adam.State a => [("exp_avg", a.exp_avg), ("exp_avg_sq", a.exp_avg_sq), ("max_exp_avg_sq", a.max_exp_avg_sq)],
            AdamW.State w => [("exp_avg", w.exp_avg), ("exp_avg_sq", w.exp_avg_sq), ("max_exp_avg_sq", w.max_exp_avg_sq)],
            _ => throw new DistillException($"The optimizer state {state.GetType().FullName} cannot be checkpointed."),
        };
        return fields.Where(f => f.Item2 is not null).Select(f => (f.Item1, f.Item2!));
    }

    /// <summary>Fields every state of this kind holds once training has started.</summary>
    public static string[] RequiredFields(OptimizerState state) =>
        state is SGD.State ? [] : ["exp_avg", "exp_avg_sq"];

    /// <summary>Puts the tensors named <c>optimizer.{index}.{field}</c> back into the state.</summary>
    /// <returns>The loaded tensors the optimizer now holds (not to be disposed).</returns>
    public static IEnumerable<Tensor> Restore(OptimizerState state, int index, long step, Dictionary<string, Tensor> loaded)
    {
        Tensor? Field(string field) => loaded.GetValueOrDefault($"optimizer.{index}.{field}");
        using var noGrad = no_grad();
        switch (state)
        {
            case SGD.State s:
                s.momentum_buffer?.Dispose();
                s.momentum_buffer = Field("momentum_buffer");
                return s.momentum_buffer is null ? [] : [s.momentum_buffer];
            case Adam.State a:
                a.step = step;
                a.exp_avg.copy_(Field("exp_avg")!);
                a.exp_avg_sq.copy_(Field("exp_avg_sq")!);
                if (Field("max_exp_avg_sq") is { } adamMax) a.max_exp_avg_sq?.copy_(adamMax);
                return [];
            case AdamW.State w:
                w.step = step;
                w.exp_avg.copy_(Field("exp_avg")!);
                w.exp_avg_sq.copy_(Field("exp_avg_sq")!);
                if (Field("max_exp_avg_sq") is { } adamWMax) w.max_exp_avg_sq?.copy_(adamWMax);
                return [];
            default:
                throw new DistillException($"The optimizer state {state.GetType().FullName} cannot be checkpointed.");
        }
    }

    /// <summary>Whether a tensor of this name may belong to the state (the file decides which optional ones are present).</summary>
    public static bool HasField(OptimizerState state, string field) =>
        state is SGD.State ? field == "momentum_buffer" : field is "exp_avg" or "exp_avg_sq" or "max_exp_avg_sq";
}
