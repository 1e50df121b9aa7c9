using System.Diagnostics;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// Teacher files that used to abort the process, hang the load or be misnamed (issue 23): each now
/// ends in one sentence naming the file and exit code 1. Anything that could abort or hang runs in
/// the real executable as a child process, under a time limit.
/// </summary>
public sealed class HostileTeacherTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public HostileTeacherTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Distill(string teacher) =>
        ["distill", "--teacher", teacher, "--student-spec", "mlp:8", "--data-dir", _data, "--validation", "50", "--epochs", "1", "--out", _folder.File("run")];

    [Theory]
    [InlineData("    return undefined_function(argument_1)\n", "undefined value undefined_function")]
    [InlineData("    return torch.relu(self.missing)\n", "has no attribute or method 'missing'")]
    public void A_torchscript_teacher_whose_code_does_not_compile_is_refused_by_eval_and_distill(string body, string reason)
    {
        var teacher = HostileTeacherFiles.TorchScriptWithReluBody(_folder.File("broken.pt"), body);

        var (code, errors) = CliProcess.Run("eval", teacher, "--data", _data);
        AssertOneLongSentence(code, errors, $"The teacher '{teacher}' holds TorchScript code that PyTorch cannot compile", reason);
        Assert.DoesNotContain("compilation unit at", errors);

        (code, errors) = CliProcess.Run(Distill(teacher));
        AssertOneLongSentence(code, errors, "PyTorch cannot compile", reason);
        Assert.False(Directory.Exists(_folder.File("run")) && Directory.EnumerateFiles(_folder.File("run"), "best.bin", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void A_torchscript_teacher_that_never_returns_is_stopped_at_the_time_limit()
    {
        var teacher = HostileTeacherFiles.TorchScriptWithReluBody(_folder.File("endless.pt"),
            "    i = 0\n    while i >= 0:\n      i = i + 1\n    return torch.relu(argument_1)\n");
        var clock = Stopwatch.StartNew();

        var (code, errors) = CliProcess.RunIn(null, new Dictionary<string, string> { ["DISTILL_TEACHER_TIMEOUT"] = "5" }, "eval", teacher, "--data", _data);

        AssertOneLongSentence(code, errors, $"The teacher '{teacher}' did not answer a first batch of 2 inputs within 5 s", "DISTILL_TEACHER_TIMEOUT");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the refusal took {clock.Elapsed}");
    }

    [Fact]
    public void An_onnx_teacher_that_loops_for_ever_is_stopped_at_the_time_limit_naming_the_file()
    {
        var teacher = HostileTeacherFiles.EndlessOnnx(_folder.File("endless.onnx"));
        var clock = Stopwatch.StartNew();

        var (code, errors) = CliProcess.RunIn(null, new Dictionary<string, string> { ["DISTILL_TEACHER_TIMEOUT"] = "3" }, Distill(teacher));

        AssertOneLongSentence(code, errors, $"The teacher '{teacher}' did not answer a first batch of 2 inputs within 3 s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the refusal took {clock.Elapsed}");
    }

    [Fact]
    public void A_time_limit_that_is_not_a_number_of_seconds_is_refused_naming_the_variable()
    {
        var teacher = HostileTeacherFiles.EndlessOnnx(_folder.File("endless.onnx"));

        var (code, errors) = CliProcess.RunIn(null, new Dictionary<string, string> { ["DISTILL_TEACHER_TIMEOUT"] = "soon" }, "eval", teacher, "--data", _data);

        AssertOneLongSentence(code, errors, "DISTILL_TEACHER_TIMEOUT='soon' is not a number of seconds");
    }

    [Fact]
    public void A_pytorch_state_dict_given_as_a_teacher_is_named_as_one_with_what_to_do()
    {
        var teacher = HostileTeacherFiles.StateDict(_folder.File("weights.pth"));

        var (code, _, errors) = InProcessCli.Run(Distill(teacher));

        AssertOneLongSentence(code, errors, $"The teacher '{teacher}' is a PyTorch state_dict", "weights without the code", "torch.jit.trace", "torch.onnx.export");
        Assert.DoesNotContain("constants.pkl", errors);
    }

    [Fact]
    public void The_model_files_nearby_hint_lists_models_and_not_cifar_data_batches()
    {
        var near = Directory.CreateDirectory(_folder.File("near")).FullName;
        var cifar = Directory.CreateDirectory(Path.Combine(near, "cifar-10-batches-bin")).FullName;
        File.WriteAllBytes(Path.Combine(cifar, "data_batch_1.bin"), new byte[3073 * 4]);
        File.WriteAllBytes(Path.Combine(cifar, "test_batch.bin"), new byte[3073 * 4]);
        File.WriteAllText(Path.Combine(near, "notes.onnx"), "not a model");
        File.Copy(GoldenTeachers.File("mlp", "onnx"), Path.Combine(near, "teacher.onnx"));
        using (var model = nn.Linear(4, 2))
            ModelStore.Save(model, new ModelCard("mlp:4", [4], 2, 10, "mnist", "teacher"), Path.Combine(near, "best.bin"));

        var (code, _, errors) = InProcessCli.Run(Distill(Path.Combine(near, "missing.onnx")));

        AssertOneLongSentence(code, errors, "does not exist; model files nearby:", "best.bin", "teacher.onnx");
        Assert.DoesNotContain("data_batch_1.bin", errors);
        Assert.DoesNotContain("test_batch.bin", errors);
        Assert.DoesNotContain("notes.onnx", errors);
    }
}
