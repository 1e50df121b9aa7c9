using Distill.Data.Augmentation;
using Distill.Models;
using Distill.Teachers;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

/// <summary>
/// The per-view teacher cache: on batches augmented by flips and shifts it returns what the teacher
/// computes on those very inputs, runs the teacher at most once per row and view, and falls back to
/// the live teacher for inputs that are none of the views.
/// </summary>
public sealed class ViewCachedTeacherTests
{
    private const int Rows = 24;

    private sealed class CountingTeacher : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;

        public CountingTeacher(nn.Module<Tensor, Tensor> teacher) : base(nameof(CountingTeacher))
        {
            inner = teacher;
            RegisterComponents();
        }

        public long RowsSeen { get; set; }

        public override Tensor forward(Tensor input)
        {
            RowsSeen += input.shape[0];
            return inner.call(input);
        }
    }

    private static (CountingTeacher Teacher, Tensor Features) Setup()
    {
        manual_seed(3);
        var features = rand(Rows, 1, 8, 8) * 2 - 0.5;
        var teacher = new CountingTeacher(ModelBuilder.Build(ModelSpec.Parse("cnn:c4-relu-mp2-fc8"), [1, 8, 8], 3));
        LiveTeacher.Freeze(teacher);
        return (teacher, features);
    }

    [Fact]
    public void Flipped_and_shifted_batches_get_the_teachers_own_logits_and_each_view_is_computed_once()
    {
        using var scope = NewDisposeScope();
        var (teacher, features) = Setup();
        var transforms = Augmentations.Parse("hflip,crop:1");
        using var cache = ViewCachedTeacher.TryCreate(teacher, features, transforms, 3, long.MaxValue)!;
        Assert.Equal(18, cache.ViewCount);
        using var pipeline = new AugmentationPipeline(transforms, [1, 8, 8], ImageRange.Measure(features), 5);
        var rowsSeen = new List<long>();
        for (var epoch = 0; epoch < 40; epoch++)
        {
            teacher.RowsSeen = 0;
            foreach (var rows in randperm(Rows).split(8))
            {
                var inputs = pipeline.Apply(features.index_select(0, rows));
                var logits = cache.Outputs(inputs, rows).Logits;
                Tensor expected;
                using (no_grad()) expected = teacher.call(inputs);
                Assert.True(logits.allclose(expected, rtol: 1e-5, atol: 1e-6), $"epoch {epoch}: {(logits - expected).abs().max().item<float>()} off");
            }
            rowsSeen.Add(teacher.RowsSeen - Rows);
        }
        // Live, the teacher would see every row every epoch; cached, each row and view once at most.
        Assert.True(rowsSeen.Sum() <= Rows * 18L, $"the teacher saw {rowsSeen.Sum()} rows over 40 epochs");
        Assert.Equal(rowsSeen.Sum(), cache.KnownCount);
        Assert.True(rowsSeen.Skip(30).Sum() < rowsSeen.Take(10).Sum(), $"rows computed per epoch: {string.Join(" ", rowsSeen)}");
    }

    [Fact]
    public void An_input_that_is_none_of_the_views_is_computed_live_and_not_kept()
    {
        using var scope = NewDisposeScope();
        var (teacher, features) = Setup();
        using var cache = ViewCachedTeacher.TryCreate(teacher, features, Augmentations.Parse("hflip"), 3, long.MaxValue)!;
        var rows = arange(4, dtype: ScalarType.Int64);
        var inputs = features.index_select(0, rows) + 0.01;

        var logits = cache.Outputs(inputs, rows).Logits;

        using (no_grad()) Assert.True(logits.allclose(teacher.call(inputs), rtol: 1e-5, atol: 1e-6));
        Assert.Equal(0, cache.KnownCount);
    }

    [Theory]
    [InlineData("rotate:10")]
    [InlineData("hflip,zoom:0.1")]
    public void Augmentations_without_a_finite_set_of_views_get_no_cache(string augment)
    {
        using var scope = NewDisposeScope();
        var (teacher, features) = Setup();
        Assert.Null(ViewCachedTeacher.TryCreate(teacher, features, Augmentations.Parse(augment), 3, long.MaxValue));
    }

    [Fact]
    public void A_cache_larger_than_the_limit_is_not_made()
    {
        using var scope = NewDisposeScope();
        var (teacher, features) = Setup();
        Assert.Null(ViewCachedTeacher.TryCreate(teacher, features, Augmentations.Parse("crop:2"), 3, 25L * Rows * 3 * sizeof(float) - 1));
        using var fits = ViewCachedTeacher.TryCreate(teacher, features, Augmentations.Parse("crop:2"), 3, 25L * Rows * 3 * sizeof(float));
        Assert.NotNull(fits);
    }
}
