using Distill.Models;
using Distill.Models.Weights;
using Distill.Tests.Support;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Distill.Tests.Models.Weights;

public sealed class PretrainedWeightsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Tensor Logits(nn.Module<Tensor, Tensor> model)
    {
        model.eval();
        using var noGrad = no_grad();
        manual_seed(9);
        return model.call(rand([3, .. WeightsFiles.Shape]));
    }

    private static DistillException Refused(nn.Module model, string path, bool newHead = false, string spec = WeightsFiles.Spec) =>
        Assert.Throws<DistillException>(() => PretrainedWeights.Load(model, ModelSpec.Parse(spec), path, newHead));

    [Fact]
    public void A_pickled_state_dict_and_a_safetensors_file_give_the_saved_models_outputs()
    {
        using var source = WeightsFiles.Model(seed: 5);
        using var expected = Logits(source);
        var pickled = WeightsFiles.Pickled(source, _folder.File("model.pth"));
        var safetensors = _folder.File("model.safetensors");
        source.save_safetensors(safetensors);

        foreach (var path in new[] { pickled, safetensors })
        {
            using var target = WeightsFiles.Model(seed: 6);
            var loaded = PretrainedWeights.Load(target, ModelSpec.Parse(WeightsFiles.Spec), path, newHead: false);
            using var actual = Logits(target);

            Assert.Equal(target.state_dict().Count, loaded.Tensors);
            Assert.True(TensorAssert.Identical(expected, actual), path);
        }
    }

    [Fact]
    public void Float16_tensors_are_converted_to_float32_and_said_so()
    {
        using var source = WeightsFiles.Model(seed: 5);
        var half = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.is_floating_point() ? kv.Value.to(ScalarType.Float16) : kv.Value);
        var path = _folder.File("half.safetensors");
        TorchSharp.PyBridge.Safetensors.SaveStateDict(path, half);
        using var target = WeightsFiles.Model(seed: 6);

        var loaded = PretrainedWeights.Load(target, ModelSpec.Parse(WeightsFiles.Spec), path, newHead: false);

        Assert.Equal(["float16"], loaded.Converted);
        Assert.Contains("converted float16 to float32", loaded.Describe());
        var weight = target.state_dict()["conv1.conv.weight"];
        Assert.Equal(ScalarType.Float32, weight.dtype);
        Assert.True(TensorAssert.Identical(half["conv1.conv.weight"].to(ScalarType.Float32), weight));
    }

    [Fact]
    public void A_state_dict_of_another_architecture_is_refused_naming_the_first_mismatches()
    {
        using var other = WeightsFiles.Model("cnn:c4-relu-c8-gap");
        var path = WeightsFiles.Pickled(other, _folder.File("other.pth"));
        using var target = WeightsFiles.Model();

        var error = Refused(target, path);

        Assert.Contains("does not fit 'cnn:c4-bn-relu-gap' by name", error.Message);
        Assert.Contains("missing (bn1.", error.Message);
        Assert.Contains("unexpected (conv2.conv.", error.Message);
    }

    [Fact]
    public void A_head_for_another_class_count_is_refused_unless_a_new_head_is_asked_for()
    {
        using var imagenet = WeightsFiles.Model(classes: 4, seed: 5);
        var path = WeightsFiles.Pickled(imagenet, _folder.File("four.pth"));
        using var target = WeightsFiles.Model(classes: 10, seed: 6);
        using var freshHead = target.state_dict()["classifier.weight"].clone();

        Assert.Contains("has a classifier head 'classifier' for 4 classes but 'cnn:c4-bn-relu-gap' is built for 10; pass --new-head", Refused(target, path).Message);
        var loaded = PretrainedWeights.Load(target, ModelSpec.Parse(WeightsFiles.Spec), path, newHead: true);

        Assert.Equal(["classifier.weight", "classifier.bias"], loaded.ReplacedHead.Order().Reverse());
        Assert.True(TensorAssert.Identical(freshHead, target.state_dict()["classifier.weight"]));
        Assert.True(TensorAssert.Identical(imagenet.state_dict()["conv1.conv.weight"], target.state_dict()["conv1.conv.weight"]));
    }

    [Fact]
    public void A_truncated_archive_and_a_file_of_another_kind_are_refused()
    {
        using var model = WeightsFiles.Model();
        var whole = File.ReadAllBytes(WeightsFiles.Pickled(model, _folder.File("whole.pth")));
        var truncated = _folder.File("truncated.pth");
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        var text = _folder.File("notes.pth");
        File.WriteAllText(text, "not a checkpoint");

        Assert.Contains("is not a complete zip archive", Refused(model, truncated).Message);
        Assert.Contains("is neither a PyTorch state_dict (a zip archive", Refused(model, text).Message);
    }

    [Fact]
    public void A_torchscript_archive_is_refused_with_a_pointer_to_teacher()
    {
        using var model = WeightsFiles.Model();

        var error = Refused(model, Path.Combine(AppContext.BaseDirectory, "Golden", "teacher_cnn.pt"));

        Assert.Contains("is a TorchScript archive", error.Message);
        Assert.Contains("--teacher", error.Message);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,4096]}}""", 16, "outside its 16 bytes of data")]
    [InlineData("""{"w":{"dtype":"F32","shape":[100000,100000],"data_offsets":[0,16]}}""", 16, "shape [100000, 100000] (40,000,000,000 bytes of F32) but 16 bytes of data")]
    [InlineData("""{"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}""", 4, "as F8_E4M3, which Distill does not read")]
    [InlineData("""{"w":[1,2]}""", 4, "without a dtype, a shape and two data offsets")]
    [InlineData("""{"w":""", 4, "header that is not valid JSON")]
    public void A_safetensors_header_that_lies_is_refused_before_reading(string header, int dataBytes, string message)
    {
        using var model = WeightsFiles.Model();
        var path = WeightsFiles.Safetensors(_folder.File("lying.safetensors"), header, dataBytes);

        Assert.Contains(message, Refused(model, path).Message);
    }

    [Fact]
    public void A_safetensors_header_longer_than_the_file_is_refused()
    {
        using var model = WeightsFiles.Model();
        var path = _folder.File("short.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(1UL << 40), .. "{}"u8.ToArray()]);

        Assert.Contains("claims a 1,099,511,627,776-byte .safetensors header", Refused(model, path).Message);
    }
}
