using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// The one place that names a device: cpu (the default), cuda or cuda:N. <see cref="Use"/> makes it
/// libtorch's default device, so every tensor and module Distill creates afterwards (data, models,
/// teacher caches, augmentation, metrics) is made there; nothing else in Distill names a device.
/// The CUDA device needs the CUDA build (<c>dotnet build -p:TorchBackend=cuda</c>, which references
/// TorchSharp-cuda-linux instead of TorchSharp-cpu).
/// </summary>
public static class ComputeDevice
{
    /// <summary>How to get a build that can use a GPU, for the refusal on the CPU build.</summary>
    public const string CudaBuildHint =
        "this build of Distill has the CPU libtorch (TorchSharp-cpu); build it with 'dotnet build -c Release -p:TorchBackend=cuda', which references TorchSharp-cuda-linux, on a machine with NVIDIA's driver (docs/scale.md)";

    /// <summary>The device chosen last; cpu until <see cref="Use"/> says otherwise.</summary>
    public static Device Current { get; private set; } = CPU;

    /// <summary>Reads "cpu", "cuda" or "cuda:N"; anything else is refused naming the choices.</summary>
    public static Device Parse(string text)
    {
        if (text == "cpu") return CPU;
        // Built, not taken from torch.CUDA, which loads the CUDA backend and throws on the CPU build.
        if (text == "cuda") return new Device(DeviceType.CUDA, -1);
        if (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return new Device(DeviceType.CUDA, index);
        throw new DistillException($"The device '{text}' is not cpu, cuda or cuda:N.");
    }

    /// <summary>
    /// Makes <paramref name="text"/> the device of everything created from now on, after checking it
    /// exists: a CUDA device on the CPU build is refused saying how to get the CUDA build.
    /// </summary>
    public static void Use(string text)
    {
        var device = Parse(text);
        if (device.type == DeviceType.CUDA)
        {
            if (!CudaBuild) throw new DistillException($"--device {text} needs a GPU build: {CudaBuildHint}.");
            if (!cuda.is_available() || device.index >= cuda.device_count())
                throw new DistillException($"--device {text} names a GPU this machine does not show ({(cuda.is_available() ? cuda.device_count() : 0)} visible); check nvidia-smi and CUDA_VISIBLE_DEVICES.");
        }
        if (device.type == Current.type && device.index == Current.index) return;
        set_default_device(device);
        Current = device;
    }

    /// <summary>True in the build made with -p:TorchBackend=cuda.</summary>
    public static bool CudaBuild =>
#if DISTILL_CUDA
        true;
#else
        false;
#endif
}
