using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>Copies of a module's weights and buffers, detached from autograd, for putting back later.</summary>
internal static class WeightSnapshot
{
    /// <summary>
    /// A copy of every entry of <paramref name="model"/>'s state. Each detached view is held and freed
    /// here: left to the garbage collector, a view could be finalized while libtorch still copies it.
    /// </summary>
    public static Dictionary<string, Tensor> Of(nn.Module model)
    {
        var copies = new Dictionary<string, Tensor>();
        foreach (var (key, value) in model.state_dict())
        {
            using var view = value.detach();
            // The caller owns the copies and frees them; no dispose scope it runs in does.
            copies[key] = view.clone().DetachFromDisposeScope();
        }
        return copies;
    }
}
