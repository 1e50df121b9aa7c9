using Distill.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>The optimizer and its settings.</summary>
public sealed record OptimizerOptions
{
    /// <summary>SGD, Adam or AdamW.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Initial learning rate (before any schedule).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>SGD momentum; ignored by Adam and AdamW.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov momentum for SGD.</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 penalty (SGD, Adam) or decoupled weight decay (AdamW).</summary>
    public double WeightDecay { get; init; }

    public void Validate()
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new DistillException($"The learning rate must be a positive number, not {LearningRate}.");
        if (!(Momentum >= 0 && Momentum < 1))
            throw new DistillException($"The momentum must be in [0, 1), not {Momentum}.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw new DistillException($"The weight decay must be 0 or more, not {WeightDecay}.");
        if (Nesterov && (Kind != OptimizerKind.Sgd || Momentum == 0))
            throw new DistillException("Nesterov momentum needs the SGD optimizer and a momentum above 0.");
    }

    // Betas spelled out: TorchSharp defaults beta2 to 0.99 where PyTorch uses 0.999. The fused
    // kernels only where the host opted in (DistillNative); both keep the same state and checkpoints.
    public optim.Optimizer Create(IEnumerable<Parameter> parameters) => (Kind, NativeRuntime.Options?.FusedAdam == true) switch
    {
        (OptimizerKind.Sgd, _) => optim.SGD(parameters, LearningRate, Momentum, dampening: 0, weight_decay: WeightDecay, nesterov: Nesterov),
        (OptimizerKind.Adam, true) => new FusedAdam(parameters, LearningRate, beta1: 0.9, beta2: 0.999, weightDecay: WeightDecay),
        (OptimizerKind.Adam, false) => optim.Adam(parameters, LearningRate, beta1: 0.9, beta2: 0.999, weight_decay: WeightDecay),
        (OptimizerKind.AdamW, true) => new FusedAdamW(parameters, LearningRate, beta1: 0.9, beta2: 0.999, weightDecay: WeightDecay),
        (OptimizerKind.AdamW, false) => optim.AdamW(parameters, LearningRate, beta1: 0.9, beta2: 0.999, weight_decay: WeightDecay),
        _ => throw new DistillException($"Unknown optimizer {Kind}."),
    };

    /// <summary>
    /// Two parameter groups: <paramref name="head"/> at <paramref name="headLearningRate"/>, the rest of
    /// <paramref name="parameters"/> at <see cref="LearningRate"/>; schedules scale both alike. The stock
    /// optimizers only: the opt-in fused kernels take one group.
    /// </summary>
    public optim.Optimizer Create(IReadOnlyList<Parameter> parameters, IReadOnlyList<Parameter> head, double headLearningRate)
    {
        var body = parameters.Where(p => !head.Contains(p)).ToList();
        return Kind switch
        {
            OptimizerKind.Sgd => optim.SGD([new SGD.ParamGroup(body, new SGD.Options { LearningRate = LearningRate }),
                new SGD.ParamGroup(head, new SGD.Options { LearningRate = headLearningRate })],
                LearningRate, Momentum, dampening: 0, weight_decay: WeightDecay, nesterov: Nesterov),
            OptimizerKind.Adam => optim.Adam([new Adam.ParamGroup(body, new Adam.Options { LearningRate = LearningRate }),
                new Adam.ParamGroup(head, new Adam.Options { LearningRate = headLearningRate })],
                LearningRate, beta1: 0.9, beta2: 0.999, weight_decay: WeightDecay),
            OptimizerKind.AdamW => optim.AdamW([new AdamW.ParamGroup(body, new AdamW.Options { LearningRate = LearningRate }),
                new AdamW.ParamGroup(head, new AdamW.Options { LearningRate = headLearningRate })],
                LearningRate, beta1: 0.9, beta2: 0.999, weight_decay: WeightDecay),
            _ => throw new DistillException($"Unknown optimizer {Kind}."),
        };
    }

    public override string ToString() => Kind switch
    {
        OptimizerKind.Sgd => FormattableString.Invariant(
            $"SGD lr={LearningRate:g3} m={Momentum:g3}{(Nesterov ? " nesterov" : "")}{(WeightDecay > 0 ? $" wd={WeightDecay:g3}" : "")}"),
        _ => FormattableString.Invariant($"{Kind} lr={LearningRate:g3}{(WeightDecay > 0 ? $" wd={WeightDecay:g3}" : "")}"),
    };
}
