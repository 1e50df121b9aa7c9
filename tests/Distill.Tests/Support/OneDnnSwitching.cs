namespace Distill.Tests.Support;

/// <summary>
/// Tests that train or convolve in bfloat16 may turn oneDNN on for a while (OneDnnSwitch.
/// WhereCorrect); the switch is process-wide, so on a CPU where oneDNN's convolutions are
/// wrong a float32 convolution of a test running beside them would be wrong too. They run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OneDnnSwitching
{
    public const string Name = "oneDNN switching";
}
