namespace Distill.Native;

/// <summary>
/// The one call that lets Distill change the process it runs in for speed and reproducibility
/// (<see cref="NativeOptions"/>). Merely loading the library changes nothing in its host: no
/// environment variable, no file, no native code. Without this call Distill runs at libtorch's own
/// speed and gives right results; the only native step it always takes is a correctness one, a
/// check of oneDNN's convolutions when the first model is built (docs/native.md).
/// The distill command line makes this call first thing; a program of your own may, as its first
/// statement (before any TorchSharp call, so that MKL reads its settings before its first product).
/// </summary>
public static class DistillNative
{
    /// <summary>
    /// Applies <paramref name="options"/> (all settings when null) to this process, once: a later
    /// call changes nothing. Settings that need libtorch wait for the first model Distill builds, so
    /// this call itself loads no native library.
    /// </summary>
    public static void Prepare(NativeOptions? options = null) => NativeRuntime.OptIn(options ?? new NativeOptions());

    /// <summary>The settings this process applied, or null when <see cref="Prepare"/> was not called.</summary>
    public static NativeOptions? Applied => NativeRuntime.Options;

    /// <summary>What MKL was told about this CPU, in one sentence (for logs and diagnostics).</summary>
    public static string MklKernelChoice => MklCpuDispatch.State;
}
