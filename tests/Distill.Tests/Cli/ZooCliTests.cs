using System.Text.Json;
using Distill.Models.Zoo;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

public sealed class ZooCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_zoo_spec_trains_from_the_command_line_and_its_weights_reload()
    {
        var data = _folder.File("data");
        SyntheticIdx.WriteDataset(data, trainCount: 160, testCount: 60, side: 28);
        var run = _folder.File("run");

        // --wide: the assertions read the Spec column, which a table fitted to 80 columns leaves out.
        var (code, output, errors) = InProcessCli.Run("train", "--wide", "-m", "resnet:8", "--data-dir", data, "--validation", "40",
            "--epochs", "1", "--batch-size", "32", "--freeze-layers", "3", "--out", run);
        Assert.True(code == 0, errors);
        Assert.Contains("resnet:8", output);

        (code, output, errors) = InProcessCli.Run("eval", Path.Combine(run, "teacher", "best.bin"), "--data-dir", data, "--wide");
        Assert.True(code == 0, errors);
        Assert.Contains("77,754", output);
    }

    [Fact]
    public void A_zoo_student_distills_stage_features_from_a_zoo_teacher_with_a_frozen_stem()
    {
        var data = _folder.File("data");
        SyntheticIdx.WriteDataset(data, trainCount: 160, testCount: 60);

        var (code, output, errors) = InProcessCli.Run("compare", "--wide", "--teacher-spec", "resnet:8", "--student-spec", "plaincnn:2",
            "--method", "kd+at", "--data-dir", data, "--validation", "40", "--teacher-epochs", "1", "--student-epochs", "1",
            "--teacher-batch-size", "32", "--student-batch-size", "32", "--teacher-freeze-layers", "2", "--out", _folder.File("run"));

        Assert.True(code == 0, errors);
        Assert.Contains("plaincnn:2", output);
        Assert.Contains("first 2 layers frozen", output);
    }

    [Fact]
    public void Models_lists_every_zoo_architecture_with_parameters_and_flops()
    {
        var (code, output, errors) = InProcessCli.Run("models", "--input", "1x28x28", "--classes", "10", "--json");
        Assert.True(code == 0, errors);
        var rows = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();

        Assert.Equal(ModelZoo.All.Sum(a => a.Examples.Count), rows.Count);
        Assert.All(ModelZoo.All, a => Assert.Contains(rows, r => r.GetProperty("spec").GetString() is { } spec
            && (spec == a.Kind || spec.StartsWith(a.Kind + ":", StringComparison.Ordinal))));
        var resnet20 = rows.Single(r => r.GetProperty("spec").GetString() == "resnet:20");
        Assert.Equal(272_186, resnet20.GetProperty("parameters").GetInt64());
        Assert.True(resnet20.GetProperty("megaFlops").GetDouble() > 0);
        // VGG-16's five poolings leave nothing of a 28x28 image: listed, without a cost, saying why.
        var vgg = rows.Single(r => r.GetProperty("spec").GetString() == "torchvision:vgg16_bn");
        Assert.Equal("does not fit 1x28x28 inputs", vgg.GetProperty("note").GetString());

        (code, output, _) = InProcessCli.Run("models");
        Assert.Equal(0, code);
        Assert.Contains("wrn:40-2", output);
        Assert.Contains("2 FLOPs", output);
    }

    [Fact]
    public void Models_refuses_a_malformed_input_shape_in_one_sentence()
    {
        var (code, _, errors) = InProcessCli.Run("models", "--input", "32x32");

        Assert.Equal(1, code);
        Assert.Contains("'32x32'", errors);
    }
}
