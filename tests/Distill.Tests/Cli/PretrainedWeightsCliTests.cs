using System.Text.Json;
using Distill.Cli;
using Distill.Models;
using Distill.Tests.Models.Weights;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Cli;

/// <summary>--weights, --new-head, --freeze and --normalize from the command line, and their refusals.</summary>
public sealed class PretrainedWeightsCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public PretrainedWeightsCliTests()
    {
        _data = _folder.File("data");
        SyntheticIdx.WriteDataset(_data, trainCount: 200, testCount: 60);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Output, string Errors) Run(params string[] args)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var code = CliApplication.Run(args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private (int Code, string Output, string Errors) Train(string run, params string[] extra) =>
        Run(["train", "-m", WeightsFiles.Spec, "--data", _data, "--validation", "40", "--epochs", "1", "--out", run, .. extra]);

    [Fact]
    public void A_frozen_base_from_a_state_dict_stays_as_loaded_while_the_head_trains()
    {
        using var source = WeightsFiles.Model(seed: 5);
        var weights = WeightsFiles.Pickled(source, _folder.File("base.pth"));
        var run = _folder.File("run");

        var (code, _, errors) = Train(run, "--weights", weights, "--freeze", "all-but-head", "--normalize", "none");

        Assert.True(code == 0, errors);
        Assert.Contains($"tensors from {weights}", errors);
        Assert.Contains("Frozen base of teacher cached: 200 x 4 features (160 training and 40 validation rows)", errors);
        var best = Path.Combine(run, "teacher", "best.bin");
        var (model, card) = ModelStore.Load(best);
        using (model)
        {
            Assert.True(TensorAssert.Identical(source.state_dict()["conv1.conv.weight"], model.state_dict()["conv1.conv.weight"]));
            Assert.True(TensorAssert.Identical(source.state_dict()["bn1.running_mean"], model.state_dict()["bn1.running_mean"]));
            Assert.False(TensorAssert.Identical(source.state_dict()["classifier.weight"], model.state_dict()["classifier.weight"]));
        }
        Assert.Equal(Distill.Data.InputNormalization.None, card.Normalize);
        Assert.Equal([0.0], card.Normalization!.Mean);
        Assert.Equal(Path.GetFullPath(weights), card.InitialWeights);
    }

    [Fact]
    public void A_new_head_replaces_a_head_for_another_class_count()
    {
        using var fourClasses = WeightsFiles.Model(classes: 4);
        var weights = WeightsFiles.Pickled(fourClasses, _folder.File("four.pth"));

        var refused = Train(_folder.File("refused"), "--weights", weights);
        AssertOneLongSentence(refused.Code, refused.Errors, "for 4 classes but", "pass --new-head");
        Assert.False(Directory.Exists(_folder.File("refused")));
        var (code, _, errors) = Train(_folder.File("run"), "--weights", weights, "--new-head");

        Assert.True(code == 0, errors);
        Assert.Contains("new head: classifier.weight, classifier.bias start fresh", errors);
    }

    public static TheoryData<string, string[], string> BadInputs() => new()
    {
        { "other", ["--weights", "other.pth"], "does not fit 'cnn:c4-bn-relu-gap' by name" },
        { "truncated", ["--weights", "truncated.pth"], "is not a complete zip archive" },
        { "text", ["--weights", "notes.pth"], "is neither a PyTorch state_dict" },
        { "torchscript", ["--weights", Path.Combine(AppContext.BaseDirectory, "Golden", "teacher_cnn.pt")], "is a TorchScript archive" },
        { "lying", ["--weights", "lying.safetensors"], "outside its 16 bytes of data" },
        { "huge", ["--weights", "huge.safetensors"], "(40,000,000,000 bytes of F32) but 16 bytes of data" },
        { "missing", ["--weights", "absent.pth"], "The weights file" },
        { "freeze", ["--freeze", "layer9"], "--freeze path 'layer9' matches no module of the model" },
        { "head", ["--new-head"], "needs a weights file" },
        { "normalize", ["--normalize", "imagenet-ish"], "--normalize must be one of dataset, imagenet, none" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_weights_and_freeze_options_are_refused_in_one_sentence_without_a_folder(string name, string[] flags, string message)
    {
        using (var other = WeightsFiles.Model("cnn:c4-relu-c8-gap")) WeightsFiles.Pickled(other, _folder.File("other.pth"));
        using (var model = WeightsFiles.Model())
        {
            var whole = File.ReadAllBytes(WeightsFiles.Pickled(model, _folder.File("whole.pth")));
            File.WriteAllBytes(_folder.File("truncated.pth"), whole[..(whole.Length / 2)]);
        }
        File.WriteAllText(_folder.File("notes.pth"), "not a checkpoint");
        WeightsFiles.Safetensors(_folder.File("lying.safetensors"), """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,4096]}}""", 16);
        WeightsFiles.Safetensors(_folder.File("huge.safetensors"), """{"w":{"dtype":"F32","shape":[100000,100000],"data_offsets":[0,16]}}""", 16);
        var run = _folder.File("run-" + name);
        var args = flags.Select(f => f.EndsWith(".pth", StringComparison.Ordinal) || f.EndsWith(".safetensors", StringComparison.Ordinal)
            ? (Path.IsPathRooted(f) ? f : _folder.File(f)) : f).ToArray();

        var result = Train(run, args);

        // The file's path makes some sentences longer than the 250 columns diagnostics wrap at.
        AssertOneLongSentence(result.Code, result.Errors, message);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Eval_checks_a_weights_file_with_no_run_folder()
    {
        using var model = WeightsFiles.Model();
        var weights = WeightsFiles.Pickled(model, _folder.File("model.pth"));
        var before = Directory.GetFileSystemEntries(_folder.Path).Length;

        var (code, output, errors) = Run("eval", "-m", WeightsFiles.Spec, "--weights", weights, "--data", _data, "--json");

        Assert.True(code == 0, errors);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(60, json.RootElement.GetProperty("count").GetInt64());
        Assert.Equal(before, Directory.GetFileSystemEntries(_folder.Path).Length);
        var refused = Run("eval", "-m", "cnn:c8-gap", "--weights", weights, "--data", _data);
        AssertOneLongSentence(refused.Code, refused.Errors, "does not fit 'cnn:c8-gap' by name");
        AssertOneSentence(Run("eval", "-m", WeightsFiles.Spec, "--data", _data), "needs --weights FILE");
    }
}
