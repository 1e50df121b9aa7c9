namespace Distill.Models.Weights;

/// <summary>What loading a weights file did, for the run's messages and the model card.</summary>
/// <param name="Path">The file loaded.</param>
/// <param name="Tensors">The tensors copied into the model.</param>
/// <param name="ReplacedHead">The head's tensors left at their fresh initialisation because <c>--new-head</c> replaced them; empty when the file's head fit.</param>
/// <param name="Converted">The dtypes converted to float32 on loading (float16, bfloat16).</param>
public sealed record LoadedWeights(string Path, int Tensors, IReadOnlyList<string> ReplacedHead, IReadOnlyList<string> Converted)
{
    /// <summary>One line for the run's output.</summary>
    public string Describe() =>
        $"Loaded {Tensors} tensors from {Path}"
        + (Converted.Count > 0 ? $" (converted {string.Join(" and ", Converted)} to float32)" : "")
        + (ReplacedHead.Count > 0 ? $"; new head: {string.Join(", ", ReplacedHead)} start fresh" : "");
}
