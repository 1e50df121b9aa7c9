using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// Puts libtorch's global random generator back as it was when disposed, so sizing a model by
/// building a throwaway copy of it leaves the seeded initialisation of the real one unchanged.
/// </summary>
internal sealed class RandomStatePreserver : IDisposable
{
    private readonly Tensor _state = random.get_rng_state();

    public void Dispose()
    {
        random.set_rng_state(_state);
        _state.Dispose();
    }
}
