using System.Text.Json;
using Distill.Tests.Support;

namespace Distill.Tests.Teachers;

public sealed class ImportedTeacherCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public ImportedTeacherCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 400, testCount: 200);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Distill_takes_an_onnx_teacher_and_shows_its_test_numbers_in_the_table()
    {
        // --wide: the assertions read the Spec and Hyperparameters columns, which a table fitted to 80 columns leaves out.
        var (code, output, errors) = InProcessCli.Run("distill", "--wide", "--teacher", GoldenTeachers.File("cnn", "onnx"), "--student-spec", "mlp:8",
            "--data-dir", _data, "--validation", "100", "--epochs", "2", "--batch-size", "32", "--out", _folder.File("run"));
        Assert.True(code == 0, errors);
        Assert.Contains("onnx:teacher_cnn.onnx", output);
        Assert.Contains("imported ONNX", output);
    }

    [Fact]
    public void Compare_takes_a_torchscript_teacher()
    {
        var (code, output, errors) = InProcessCli.Run("compare", "--teacher", GoldenTeachers.File("mlp", "pt"), "--student-spec", "mlp:8",
            "--data-dir", _data, "--validation", "100", "--student-epochs", "2", "--student-batch-size", "32", "--out", _folder.File("run"), "--json");
        Assert.True(code == 0, errors);
        var teacher = JsonDocument.Parse(output).RootElement.GetProperty("teacher");
        Assert.Equal("torchscript:teacher_mlp.pt", teacher.GetProperty("spec").GetString());
        Assert.True(teacher.GetProperty("testAccuracy").GetDouble() > 0.9);
    }

    [Fact]
    public void An_experiment_file_takes_an_onnx_teacher_path()
    {
        var path = _folder.File("experiment.json");
        File.WriteAllText(path, $$"""
            {
              "name": "imported",
              "dataDirectory": {{JsonSerializer.Serialize(_data)}},
              "validationCount": 100,
              "teacherPath": {{JsonSerializer.Serialize(GoldenTeachers.File("mlp", "onnx"))}},
              "studentSpec": "mlp:8",
              "studentTraining": { "epochs": 2, "batchSize": 32 }
            }
            """);
        var (code, output, errors) = InProcessCli.Run("run", path, "--out", _folder.File("run"), "--wide");
        Assert.True(code == 0, errors);
        Assert.Contains("onnx:teacher_mlp.onnx", output);
    }

    [Fact]
    public void A_feature_method_with_an_onnx_teacher_fails_in_one_sentence_on_the_command_line()
    {
        var (code, _, errors) = InProcessCli.Run("distill", "--teacher", GoldenTeachers.File("cnn", "onnx"), "--student-spec", "cnn:c4-relu",
            "--method", "fitnets", "--data-dir", _data, "--validation", "100", "--epochs", "1", "--out", _folder.File("run"));
        Assert.Equal(1, code);
        // Progress lines come first on standard error; the failure is one line.
        var error = Assert.Single(errors.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.EndsWith("so only the logit methods (kd, dkd, ls) apply to it.", error.TrimEnd());
    }

    [Theory]
    [InlineData("onnx", "onnx:teacher_cnn.onnx")]
    [InlineData("pt", "torchscript:teacher_cnn.pt")]
    public void Eval_measures_an_imported_model_on_the_data_set_named(string extension, string spec)
    {
        var (code, output, errors) = InProcessCli.Run("eval", GoldenTeachers.File("cnn", extension), "--dataset", "mnist", "--data-dir", _data, "--json");
        Assert.True(code == 0, errors);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(spec, report.GetProperty("spec").GetString());
        Assert.True(report.GetProperty("accuracy").GetDouble() > 0.9);
    }

    [Fact]
    public void Eval_of_an_imported_model_without_a_data_set_is_refused_in_one_sentence()
    {
        var (code, _, errors) = InProcessCli.Run("eval", GoldenTeachers.File("mlp", "onnx"));
        Assert.Equal(1, code);
        Assert.Contains("names no data set of its own; pass --data PATH or --dataset NAME.", errors);
    }
}
