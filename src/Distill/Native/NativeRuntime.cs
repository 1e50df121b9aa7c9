using System.Runtime.ExceptionServices;

namespace Distill.Native;

/// <summary>
/// When each native setting takes effect: those the host opted into (<see cref="DistillNative"/>)
/// and the convolution check that always runs, all before the first model Distill builds (so before
/// libtorch's first matrix product, which the MKL settings need) and never when the library loads
/// (which would load libtorch for commands that never use it: `distill --help` took 0.7-1.0 s that
/// way instead of 0.2 s).
/// </summary>
internal static class NativeRuntime
{
    private static readonly Lock Gate = new();
    private static bool _ready;
    private static bool _optedInApplied;
    // A failed check (MKL's products wrong with the kernels it was given) stops every later model too.
    private static ExceptionDispatchInfo? _failure;

    /// <summary>The host's choice, or null when it made none.</summary>
    public static NativeOptions? Options { get; private set; }

    /// <summary>Records the host's choice and applies what needs no libtorch now (the environment must be set before libtorch loads); the rest now too when the first model was already built.</summary>
    public static void OptIn(NativeOptions options)
    {
        lock (Gate)
        {
            if (Options is not null) return;
            Options = options;
            if (options.ReproducibleMkl) MklReproducibility.SetEnvironment();
            if (options.KeepFreedMemory) FreedMemory.KeepInHeap();
            if (_ready) ApplyOptedIn();
        }
    }

    /// <summary>Called before every model Distill builds or loads; does its work once per process.</summary>
    public static void EnsureReady()
    {
        lock (Gate)
        {
            _failure?.Throw();
            if (_ready) return;
            try
            {
                // MKL's kernel choice first: it must come before libtorch's first product (MklCpuDispatch).
                ApplyOptedIn();
                ConvolutionCheck.Run();
                _ready = true;
            }
            catch (DistillException e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
                throw;
            }
        }
    }

    private static void ApplyOptedIn()
    {
        if (Options is not { } options || _optedInApplied) return;
        _optedInApplied = true;
        if (options.MklKernelsByCpuFeatures) MklCpuDispatch.Prepare();
        if (options.ReproducibleMkl) MklReproducibility.FixThreads();
        if (options.QuietNnpack) LibtorchContext.TryDisableNnpack();
    }
}
