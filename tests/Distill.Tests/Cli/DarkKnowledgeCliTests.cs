using System.Text.Json;
using Distill.Cli;
using Distill.Models;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Cli;

/// <summary>
/// Hinton et al. 2015 §3 through the command line: a student distilled on a transfer set without one
/// class (--exclude-classes), then corrected by a bias on that class's logit (eval --class-bias), which
/// the card records and export applies.
/// </summary>
public sealed class DarkKnowledgeCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public DarkKnowledgeCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 1000, testCount: 300);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Output, string Errors) Run(params string[] args) => InProcessCli.Run(args);

    private string[] OmittedThree(string run, params string[] more) =>
    [
        "compare", "--data-dir", _data, "--validation", "100", "--out", run, "--teacher-spec", "mlp:64", "--teacher-epochs", "4",
        "--student-spec", "mlp:32", "--student-epochs", "6", "--exclude-classes", "3",
        "--temperature", "20", "--hard-weight", "0", "--soft-weight", "1", .. more,
    ];

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    private static double Recall(JsonElement recalls, string name) =>
        recalls.EnumerateArray().Single(r => r.GetProperty("class").GetString() == name).GetProperty("recall").GetDouble();

    [Fact]
    public void A_student_never_shown_a_class_recognises_it_after_the_bias_correction()
    {
        var run = _folder.File("omitted-3");
        var (code, _, errors) = Run(OmittedThree(run));
        Assert.True(code == 0, errors);
        var studentCard = ModelStore.ReadCard(Path.Combine(run, "distilled", "best.bin"));
        Assert.Equal(["3"], studentCard.ExcludedClasses);
        Assert.Null(ModelStore.ReadCard(Path.Combine(run, "teacher", "best.bin")).ExcludedClasses);

        (code, var output, errors) = Run("eval", run, "--data-dir", _data, "--json");
        Assert.True(code == 0, errors);
        var plain = Json(output);
        var before = Recall(plain.GetProperty("perClassRecall"), "3");
        Assert.Equal(10, plain.GetProperty("perClassRecall").GetArrayLength());

        (code, output, errors) = Run("eval", run, "--data-dir", _data, "--class-bias", "auto", "--json");
        Assert.True(code == 0, errors);
        var corrected = Json(output).GetProperty("classBias");
        var after = Recall(corrected.GetProperty("after"), "3");
        Assert.Equal(before, Recall(corrected.GetProperty("before"), "3"));
        // Neither student saw a 3, so both miss every 3; the distilled one learnt a logit for 3 from the
        // teacher's soft targets on the other digits alone, and the bias brings it out (measured: 0 -> 37 %).
        Assert.Equal(0.0, before);
        Assert.True(after >= 0.3, $"The recall of the omitted class went from {before} to {after}.");
        Assert.True(corrected.GetProperty("errorsAfter").GetInt64() < corrected.GetProperty("errorsBefore").GetInt64());
        Assert.True(corrected.GetProperty("bias").GetProperty("values")[3].GetDouble() > 0);

        // Recorded for export and for the report.
        var card = ModelStore.ReadCard(Path.Combine(run, "distilled", "best.bin"));
        Assert.Equal("auto", card.ClassBias!.Source);
        Assert.Contains("Test accuracy after", File.ReadAllText(Path.Combine(run, "distilled", "class-bias.md")));
        (code, _, errors) = Run("report", run);
        Assert.True(code == 0, errors);
        Assert.Contains("Class bias of the distilled student", File.ReadAllText(Path.Combine(run, "summary.md")));
        var plainOnnx = _folder.File("plain.onnx");
        var biasedOnnx = _folder.File("biased.onnx");
        Assert.Equal(0, Run("export", run, "-o", plainOnnx).Code);
        (code, output, errors) = Run("export", run, "-o", biasedOnnx, "--class-bias");
        Assert.True(code == 0, errors);
        Assert.Contains("class bias", output);
        Assert.NotEqual(File.ReadAllBytes(plainOnnx), File.ReadAllBytes(biasedOnnx));
    }

    [Fact]
    public void A_given_bias_moves_the_predictions_towards_its_class()
    {
        var run = _folder.File("given");
        var (code, _, errors) = Run("compare", "--data-dir", _data, "--validation", "100", "--out", run, "--teacher-spec", "mlp:16", "--teacher-epochs", "1",
            "--student-spec", "mlp:8", "--student-epochs", "1");
        Assert.True(code == 0, errors);

        (code, var output, errors) = Run("eval", Path.Combine(run, "distilled", "best.bin"), "--data-dir", _data, "--class-bias", "5=+1000", "--json");

        Assert.True(code == 0, errors);
        var corrected = Json(output).GetProperty("classBias");
        Assert.Equal(1.0, Recall(corrected.GetProperty("after"), "5"));
        Assert.All(corrected.GetProperty("after").EnumerateArray().Where(r => r.GetProperty("class").GetString() != "5"), r => Assert.Equal(0.0, r.GetProperty("recall").GetDouble()));
        Assert.Equal("5=+1000", ModelStore.ReadCard(Path.Combine(run, "distilled", "best.bin")).ClassBias!.Source);
    }

    [Theory]
    [InlineData("3", "takes CLASS=VALUE pairs separated by commas")]
    [InlineData("3=", "takes CLASS=VALUE pairs separated by commas")]
    [InlineData("=2", "takes CLASS=VALUE pairs separated by commas")]
    [InlineData("3=big", "gives the class '3' the bias 'big', which is not a finite number")]
    [InlineData("3=NaN", "gives the class '3' the bias 'NaN', which is not a finite number")]
    [InlineData("3=1,3=2", "names the class '3' twice")]
    [InlineData("eleven=1", "names the class 'eleven', which the data does not have")]
    [InlineData("10=1", "names the class '10', which the data does not have")]
    public void Bad_class_bias_texts_are_refused_with_one_sentence(string text, string expected)
    {
        var teacher = SavedModel();

        AssertOneSentence(Run("eval", teacher, "--data-dir", _data, "--class-bias", text), expected);
        Assert.Null(ModelStore.ReadCard(teacher).ClassBias);
    }

    [Theory]
    [InlineData("0,1,2,3,4,5,6,7,8,9", "leaves out every one of the 10 classes")]
    [InlineData("3,twelve", "names the class 'twelve', which the data does not have")]
    [InlineData("3,,4", "takes class names or label numbers separated by commas")]
    public void Bad_excluded_classes_are_refused_and_leave_no_run_folder(string classes, string expected)
    {
        var run = _folder.File("refused");

        AssertOneSentence(Run("compare", "--data-dir", _data, "--validation", "50", "--out", run, "--teacher-spec", "mlp:8", "--teacher-epochs", "1",
            "--student-spec", "mlp:8", "--student-epochs", "1", "--exclude-classes", classes), expected);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Distill_from_a_saved_teacher_excludes_the_classes_too()
    {
        var teacher = SavedModel();
        var run = _folder.File("distilled-without-7");

        var (code, _, errors) = Run("distill", "--teacher", teacher, "-s", "mlp:8", "--data-dir", _data, "--validation", "50", "--epochs", "1",
            "--exclude-classes", "7", "--out", run);

        Assert.True(code == 0, errors);
        Assert.Equal(["7"], ModelStore.ReadCard(Path.Combine(run, "distilled", "best.bin")).ExcludedClasses);
    }

    [Fact]
    public void Export_refuses_a_class_bias_that_was_never_chosen()
    {
        var model = SavedModel();

        AssertOneSentence(Run("export", model, "-o", _folder.File("m.onnx"), "--class-bias"), "has no recorded class bias");
        Assert.False(File.Exists(_folder.File("m.onnx")));
    }

    /// <summary>A model trained here for a second, for the refusals.</summary>
    private string SavedModel()
    {
        var run = _folder.File("saved-" + Guid.NewGuid().ToString("N")[..6]);
        var (code, _, errors) = Run("train", "--data-dir", _data, "--validation", "50", "--model", "mlp:8", "--epochs", "1", "--out", run);
        Assert.True(code == 0, errors);
        return Path.Combine(run, "teacher", "best.bin");
    }
}
