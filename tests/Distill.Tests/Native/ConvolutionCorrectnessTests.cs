using Distill.Models;
using Distill.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Native;

/// <summary>
/// Convolutions must be right on whatever CPU runs them. libtorch 2.10's oneDNN kernels are wrong
/// on some CPUs for channel counts off the multiples of 16 (ConvolutionCheck); once the library
/// has prepared the process, a model's convolutions agree with float64 there too.
/// </summary>
public sealed class ConvolutionCorrectnessTests
{
    [Fact]
    public void Once_prepared_convolutions_of_any_channel_count_agree_with_float64()
    {
        NativeRuntime.EnsureReady();

        Assert.True(ConvolutionCheck.ConvolutionsAgreeWithFloat64(),
            $"float32 convolutions disagree with float64 (oneDNN {(OneDnnSwitch.Disabled ? "already off" : "on")})");
    }

    [Fact]
    public void A_built_cnn_has_the_gradients_of_its_float64_copy()
    {
        using var scope = NewDisposeScope();
        using var model = OddChannelCnn();
        AssertGradientsOfFloat64Copy(model);
    }

    /// <summary>A CNN whose channel counts (4, 20, 24) are those oneDNN gets wrong on some CPUs.</summary>
    internal static nn.Module<Tensor, Tensor> OddChannelCnn() =>
        ModelBuilder.Build(ModelSpec.Parse("cnn:c4-relu-c20-relu-mp2-c24-relu-fc16-relu"), [1, 12, 12], 10);

    /// <summary>The model's parameter gradients on one batch equal those of its float64 copy.</summary>
    internal static void AssertGradientsOfFloat64Copy(nn.Module<Tensor, Tensor> model)
    {
        manual_seed(11);
        using var copy = ModelBuilder.Build(ModelSpec.Parse("cnn:c4-relu-c20-relu-mp2-c24-relu-fc16-relu"), [1, 12, 12], 10);
        copy.load_state_dict(model.state_dict());
        copy.to(ScalarType.Float64);
        var input = randn(32, 1, 12, 12);
        var labels = randint(0, 10, [32]);

        nn.functional.cross_entropy(model.call(input), labels).backward();
        nn.functional.cross_entropy(copy.call(input.to(ScalarType.Float64)), labels).backward();

        foreach (var ((name, actual), (_, reference)) in model.named_parameters().Zip(copy.named_parameters()))
        {
            var error = (actual.grad!.to(ScalarType.Float64) - reference.grad!).abs().max().item<double>();
            Assert.True(error <= 1e-4 * (1 + reference.grad!.abs().max().item<double>()), $"the gradient of {name} is off by {error:g3}");
        }
    }
}

/// <summary>oneDNN switched for one model must not leak into another model's scope nested inside it.</summary>
[Collection(Distill.Tests.Support.OneDnnSwitching.Name)]
public sealed class OneDnnScopeTests
{
    [Fact]
    public void A_scope_for_a_model_onednn_gets_wrong_inside_a_scope_that_turned_it_on_computes_right()
    {
        using var scope = NewDisposeScope();
        NativeRuntime.EnsureReady();
        using var mlp = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), [1, 12, 12], 10);
        using var cnn = ConvolutionCorrectnessTests.OddChannelCnn();

        using (OneDnnSwitch.WhereCorrect([mlp]))
        using (OneDnnSwitch.WhereCorrect([cnn]))
            ConvolutionCorrectnessTests.AssertGradientsOfFloat64Copy(cnn);
    }
}

/// <summary>
/// MKL (inside libtorch) must run with a fixed thread split and reproducible reductions, or two
/// runs of the same seed (and a resumed run) drift apart by an ulp now and then.
/// </summary>
public sealed class MathLibraryEnvironmentTests
{
    [Fact]
    public void Loading_distill_sets_mkl_to_reproducible_results_in_the_c_library_environment()
    {
        NativeRuntime.EnsureReady();

        Assert.Equal("AUTO,STRICT", NativeVariable("MKL_CBWR"));
        Assert.Equal("FALSE", NativeVariable("MKL_DYNAMIC"));
    }

    private static string? NativeVariable(string name) => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GetEnvironment(name));

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "getenv")]
    private static extern IntPtr GetEnvironment(string name);
}

/// <summary>Which models may run with oneDNN on where its odd-channel convolutions are wrong: those whose convolutions all have shapes it computes right.</summary>
public sealed class OneDnnChoiceTests
{
    [Theory]
    [InlineData("mlp:64-32", null, true)]
    [InlineData("mlp:64-32", "bfloat16", true)]
    [InlineData("cnn:c32-relu-mp2-c64-relu-mp2-fc32", null, true)]
    [InlineData("cnn:c4-relu-mp2-fc16", null, false)]
    [InlineData("cnn:c16-relu-c24-relu-fc16", null, false)]
    [InlineData("cnn:c16-relu-c24-relu-fc16", "bfloat16", true)]
    [InlineData("resnet:8", null, true)]
    [InlineData("resnet:8", "bfloat16", true)]
    [InlineData("mobilenetv2", null, false)]
    public void Only_models_whose_convolutions_onednn_computes_right_qualify(string spec, string? precision, bool qualifies)
    {
        var shape = spec.StartsWith("resnet", StringComparison.Ordinal) || spec.StartsWith("mobilenet", StringComparison.Ordinal) ? new long[] { 3, 32, 32 } : [1, 12, 12];
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), shape, 10);
        using var _ = MixedPrecision.Use(model, precision is null ? Distill.Training.Precision.Float32 : Distill.Training.Precision.Bfloat16);

        Assert.Equal(qualifies, OneDnnSwitch.ComputesRight(model));
    }
}
