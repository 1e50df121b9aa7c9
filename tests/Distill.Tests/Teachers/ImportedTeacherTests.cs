using Distill.Export;
using Distill.Methods;
using Distill.Models;
using Distill.Runs;
using Distill.Studies;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

public sealed class ImportedTeacherTests
{
    public static TheoryData<string, string> Teachers => new()
    {
        { "mlp", "onnx" }, { "cnn", "onnx" }, { "mlp", "pt" }, { "cnn", "pt" },
    };

    [Theory]
    [MemberData(nameof(Teachers))]
    public void An_imported_teacher_computes_the_logits_pytorch_computed(string name, string extension)
    {
        using var teacher = ImportedTeacher.Load(GoldenTeachers.File(name, extension), "mnist", 10, [1, 12, 12]);
        using var inputs = GoldenTeachers.Inputs();
        using var expected = GoldenTeachers.Logits(name);
        using var noGrad = no_grad();
        foreach (var rows in new[] { 6, 1 })
        {
            using var actual = teacher.call(inputs[..rows]);
            var difference = (actual - expected[..rows]).abs().max().item<float>();
            Assert.True(difference <= 1e-5, $"{name}.{extension}, {rows} rows: largest difference {difference}");
        }
        Assert.Equal(extension == "onnx" ? "ONNX" : "TorchScript", teacher.Format);
        Assert.Empty(teacher.parameters());
    }

    [Theory]
    [MemberData(nameof(Teachers))]
    public void A_student_distils_from_an_imported_teacher_whose_own_test_numbers_are_in_the_results(string name, string extension)
    {
        using var tiny = new TinyData();
        var path = GoldenTeachers.File(name, extension);
        var folder = RunFolder.Create(Path.Combine(tiny.RunsDirectory, "run"), replace: false);
        using var runner = new StudyRunner(tiny.Data, folder);
        var outcomes = runner.Run(
        [
            StudyRole.Loaded(ModelRole.Teacher, "teacher", path),
            StudyRole.Distilled("distilled", "mlp:16", new TrainingOptions { Epochs = 3, BatchSize = 32 }, "teacher", new DistillationOptions()),
        ]);
        var teacher = outcomes[0];
        Assert.Equal($"{(extension == "onnx" ? "onnx" : "torchscript")}:teacher_{name}.{extension}", teacher.Spec);
        Assert.Equal(tiny.Data.Test.Count, teacher.ConfusionMatrix.Sum(r => r.Sum()));
        Assert.True(teacher.TestAccuracy > 0.9, $"teacher accuracy {teacher.TestAccuracy}");
        Assert.True(teacher.Parameters > 0);
        Assert.True(outcomes[1].TestAccuracy > 0.8, $"student accuracy {outcomes[1].TestAccuracy}");
    }

    [Theory]
    [InlineData("onnx", "fitnets")]
    [InlineData("pt", "at")]
    public void A_feature_method_on_an_imported_teacher_is_refused_in_one_sentence(string extension, string method)
    {
        using var tiny = new TinyData();
        var folder = RunFolder.Create(Path.Combine(tiny.RunsDirectory, "run"), replace: false);
        using var runner = new StudyRunner(tiny.Data, folder);
        var error = Assert.Throws<DistillException>(() => runner.Run(
        [
            StudyRole.Loaded(ModelRole.Teacher, "teacher", GoldenTeachers.File("cnn", extension)),
            StudyRole.Distilled("distilled", "cnn:c4-relu", new TrainingOptions { Epochs = 1 }, "teacher", new DistillationOptions { Method = method }),
        ]));
        Assert.EndsWith("model whose inner layers Distill cannot read, so only the logit methods (kd, dkd, ls) apply to it.", error.Message);
    }

    [Fact]
    public void Torchsharp_lists_torchscript_submodules_as_untyped_script_modules_that_take_no_forward_hook()
    {
        // Why TorchScript teachers offer logits only: if this fails, TorchSharp has learnt to tap them.
        using var script = jit.load<Tensor, Tensor>(GoldenTeachers.File("cnn", "pt"));
        var submodules = script.named_modules().Where(m => m.name.Length > 0).ToList();
        Assert.Equal(9, submodules.Count);
        Assert.All(submodules, m => Assert.False(m.module is nn.Module<Tensor, Tensor>, $"{m.name} is {m.module.GetType()}"));
    }

    [Theory]
    [InlineData("onnx", "takes inputs of shape [batch, 1, 12, 12] but mnist has inputs of size 1x28x28.")]
    [InlineData("pt", "fails on inputs of shape [2, 1, 28, 28]: ")]
    public void A_teacher_for_another_image_size_is_refused_in_one_sentence(string extension, string expected)
    {
        var error = Assert.Throws<DistillException>(() => ImportedTeacher.Load(GoldenTeachers.File("mlp", extension), "mnist", 10, [1, 28, 28]));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("pt")]
    public void A_teacher_for_another_class_count_is_refused_in_one_sentence(string extension)
    {
        var path = GoldenTeachers.File("cnn", extension);
        var error = Assert.Throws<DistillException>(() => ImportedTeacher.Load(path, "mnist", 5, [1, 12, 12]));
        Assert.Equal($"The teacher '{path}' predicts 10 classes but mnist has 5.", error.Message);
    }

    [Fact]
    public void An_onnx_teacher_for_another_channel_count_class_count_or_input_rank_is_refused_in_one_sentence()
    {
        using var folder = new TemporaryFolder();
        string Exported(string name, long[] shape, int classes)
        {
            using var model = ModelBuilder.Build(ModelSpec.Parse("cnn:c4-relu-gap"), shape, classes);
            var path = folder.File(name + ".onnx");
            OnnxExporter.Save(model, new ModelCard("cnn:c4-relu-gap", shape, classes, 0, "mnist", "teacher"), path);
            return path;
        }
        void Refused(string path, string expected) =>
            Assert.Equal(expected.Replace("PATH", path), Assert.Throws<DistillException>(() => ImportedTeacher.Load(path, "mnist", 10, [1, 12, 12])).Message);

        Refused(Exported("rgb", [3, 12, 12], 10), "The teacher 'PATH' takes inputs of shape [batch, 3, 12, 12]: 3 channels, but mnist has 1.");
        Refused(Exported("five", [1, 12, 12], 5), "The teacher 'PATH' predicts 5 classes but mnist has 10.");
        using var flat = ModelBuilder.Build(ModelSpec.Parse("mlp:8"), [144], 10);
        var flatPath = folder.File("flat.onnx");
        OnnxExporter.Save(flat, new ModelCard("mlp:8", [144], 10, 0, "mnist", "teacher"), flatPath);
        Refused(flatPath, "The teacher 'PATH' takes inputs of shape [batch, 144] (rank 2) but mnist has inputs of shape [batch, 1, 12, 12] (rank 4).");
    }

    [Theory]
    [InlineData("onnx", "is not an ONNX model")]
    [InlineData("pt", "PyTorch cannot load the teacher")]
    public void A_file_that_is_not_a_model_is_refused_in_one_sentence(string extension, string expected)
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("teacher." + extension);
        File.WriteAllText(path, "these are not the weights you are looking for\n");
        var error = Assert.Throws<DistillException>(() => ImportedTeacher.Load(path, "mnist", 10, [1, 12, 12]));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("pt")]
    public void A_truncated_file_is_refused_in_one_sentence(string extension)
    {
        using var folder = new TemporaryFolder();
        var bytes = File.ReadAllBytes(GoldenTeachers.File("cnn", extension));
        foreach (var length in new[] { 0, 1, 17, bytes.Length / 3, bytes.Length / 2, bytes.Length - 9 })
        {
            var path = folder.File($"cut{length}.{extension}");
            File.WriteAllBytes(path, bytes[..length]);
            var error = Assert.Throws<DistillException>(() => ImportedTeacher.Load(path, "mnist", 10, [1, 12, 12]));
            Assert.DoesNotContain('\n', error.Message);
        }
    }
}
