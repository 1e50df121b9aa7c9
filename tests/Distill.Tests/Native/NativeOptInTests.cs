using System.Reflection;
using System.Runtime.CompilerServices;
using Distill.Native;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Native;

/// <summary>
/// Loading Distill changes nothing in its host; only DistillNative.Prepare opts into the native
/// settings. A library-level check here; the consumer program (tests/consumer/consumer.sh) runs a
/// real host without the call and compares its environment and files before and after training.
/// </summary>
public sealed class NativeOptInTests
{
    [Fact]
    public void The_library_runs_no_code_when_it_loads()
    {
        var initializers = typeof(DistillNative).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.IsDefined(typeof(ModuleInitializerAttribute)))
            .Select(m => $"{m.DeclaringType}.{m.Name}");

        Assert.Empty(initializers);
    }

    [Fact]
    public void A_host_that_opted_in_trains_adam_with_the_fused_kernel()
    {
        // The test process opted in (Support/PreparedProcess), as the command line does.
        Assert.True(DistillNative.Applied?.FusedAdam);
        using var layer = nn.Linear(4, 2);

        Assert.IsType<FusedAdam>(new OptimizerOptions { Kind = OptimizerKind.Adam }.Create(layer.parameters()));
        Assert.IsType<FusedAdamW>(new OptimizerOptions { Kind = OptimizerKind.AdamW }.Create(layer.parameters()));
    }

    [Fact]
    public void A_second_call_changes_nothing()
    {
        var first = DistillNative.Applied;

        DistillNative.Prepare(new NativeOptions { FusedAdam = false });

        Assert.Same(first, DistillNative.Applied);
    }
}
