using Distill.Models;
using Distill.Models.Zoo;
using Distill.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Tests.Models;

/// <summary>A program's own architecture, registered once, is a spec like the library's: built, saved, reloaded by its spec.</summary>
public sealed class ZooRegistrationTests
{
    private static readonly ZooArchitecture TwoLayer = new("test-twolayer", "test-twolayer:{hidden}", "Two dense layers (a test's own architecture)",
        ["test-twolayer:16"], (text, body) =>
        {
            if (!int.TryParse(body, out var hidden) || hidden < 1)
                throw new DistillException($"Model spec '{text}' needs a positive hidden width.");
            return new ZooSpec("test-twolayer", (shape, classes, device) => Sequential(
                ("flatten", Flatten()),
                ("hidden", Linear(shape.Aggregate(1L, (a, b) => a * b), hidden, device: device)),
                ("relu", ReLU()),
                (ModelBuilder.ClassifierName, Linear(hidden, classes, device: device))));
        });

    static ZooRegistrationTests()
    {
        ModelZoo.Register(TwoLayer);
    }

    [Fact]
    public void A_registered_architecture_builds_from_its_spec_and_reloads_from_a_saved_card()
    {
        using var folder = new TemporaryFolder();
        using var model = ModelBuilder.Build(ModelSpec.Parse("test-twolayer:16"), [1, 8, 8], 3);
        Assert.Equal(64 * 16 + 16 + 16 * 3 + 3, ModelBuilder.CountParameters(model));
        using var input = rand(2, 1, 8, 8);
        using var expected = model.call(input);
        var path = folder.File("model.bin");
        ModelStore.Save(model, new ModelCard("test-twolayer:16", [1, 8, 8], 3, ModelBuilder.CountParameters(model), "test", "test"), path);

        var (loaded, _) = ModelStore.Load(path);
        using (loaded)
        using (var actual = loaded.call(input))
            Assert.True(expected.allclose(actual, 0, 0));
    }

    [Fact]
    public void A_taken_or_malformed_kind_is_refused_in_one_sentence()
    {
        var taken = Assert.Throws<DistillException>(() => ModelZoo.Register(TwoLayer with { }));
        Assert.Contains("'test-twolayer' is already registered", taken.Message);
        Assert.Throws<DistillException>(() => ModelZoo.Register(TwoLayer with { Kind = "resnet" }));
        var bad = Assert.Throws<DistillException>(() => ModelZoo.Register(TwoLayer with { Kind = "Mlp x" }));
        Assert.Contains("lower-case letters", bad.Message);
        Assert.Throws<DistillException>(() => ModelZoo.Register(TwoLayer with { Kind = "cnn" }));
    }

    [Fact]
    public void Its_own_refusals_reach_the_user_as_the_spec_error()
    {
        var error = Assert.Throws<DistillException>(() => ModelSpec.Parse("test-twolayer:zero"));
        Assert.Equal("Model spec 'test-twolayer:zero' needs a positive hidden width.", error.Message);
    }
}
