using Distill.Data.Augmentation;
using Distill.Models;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

/// <summary>
/// A teacher run inside a bfloat16 student's steps (live, or per view) computes in bfloat16, as
/// autocast around the whole step would, and hands the methods float32 logits and feature maps
/// close to its float32 ones; float32 students keep the float32 teacher, and the two never share
/// a per-view cache.
/// </summary>
public sealed class TeachingPrecisionTests
{
    private static (nn.Module<Tensor, Tensor> Teacher, Tensor Features) Setup()
    {
        manual_seed(5);
        var features = rand(32, 1, 12, 12);
        var teacher = ModelBuilder.Build(ModelSpec.Parse("cnn:c16-relu-mp2-c32-relu-mp2-fc32-relu"), [1, 12, 12], 10);
        LiveTeacher.Freeze(teacher);
        return (teacher, features);
    }

    [Fact]
    public void A_bfloat16_live_teacher_gives_float32_outputs_within_bfloat16s_error_of_the_float32_teacher()
    {
        using var scope = NewDisposeScope();
        var (teacher, features) = Setup();
        var rows = arange(32, dtype: ScalarType.Int64);
        using var exact = new LiveTeacher(teacher, ["conv1"]);
        using var mixed = new LiveTeacher(teacher, ["conv1"], Precision.Bfloat16);
        var a = exact.Outputs(features, rows);
        var b = mixed.Outputs(features, rows);
        Assert.Equal(ScalarType.Float32, b.Logits.dtype);
        Assert.Equal(ScalarType.Float32, b.Features["conv1"].dtype);
        var logitError = ((b.Logits - a.Logits).abs().max() / a.Logits.abs().max()).item<float>();
        Assert.InRange(logitError, 1e-6f, 0.05f); // bfloat16 (8 bits of mantissa): off, but by little
        var featureError = ((b.Features["conv1"] - a.Features["conv1"]).abs().max() / a.Features["conv1"].abs().max()).item<float>();
        Assert.InRange(featureError, 1e-6f, 0.05f);
        // The teacher's layers are back to float32 after the call.
        Assert.All(teacher.modules().OfType<IMixedPrecisionLayer>(), layer => Assert.Null(layer.ComputeType));
        Assert.True(exact.Outputs(features, rows).Logits.eq(a.Logits).all().item<bool>());
    }

    [Fact]
    public void Float32_and_bfloat16_students_of_one_teacher_get_their_own_per_view_caches()
    {
        using var scope = NewDisposeScope();
        var (teacher, features) = Setup();
        using var frozen = new FrozenTeacher(teacher, features);
        var transforms = Augmentations.Parse("hflip");
        var exact = frozen.Source([], augmented: true, transforms);
        var mixed = frozen.Source([], augmented: true, transforms, Precision.Bfloat16);
        Assert.IsType<ViewCachedTeacher>(exact);
        Assert.NotSame(exact, mixed);
        Assert.Same(mixed, frozen.Source([], augmented: true, transforms, Precision.Bfloat16));
        var rows = arange(32, dtype: ScalarType.Int64);
        var flipped = features.flip(3);
        var a = exact.Outputs(flipped, rows).Logits;
        var b = mixed.Outputs(flipped, rows).Logits;
        Assert.False(a.eq(b).all().item<bool>());
        Assert.True(b.allclose(a, rtol: 0.05, atol: 0.05 * a.abs().max().item<float>()));
        // Rotations have no finite set of views: a live teacher, in the student's precision.
        using var live = (LiveTeacher)frozen.Source([], augmented: true, Augmentations.Parse("rotate:10"), Precision.Bfloat16);
        Assert.Equal(Precision.Bfloat16, live.Precision);
    }
}
