using Distill.Cli;
using Distill.Models;
using Distill.Studies;
using Distill.Tests.Support;
using Distill.Training;
using static TorchSharp.torch;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Cli;

/// <summary>
/// The catalogue of bad inputs through the command line: each is refused with one sentence on
/// standard error and exit code 1, never a stack trace, and bad options before any work starts.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public BadInputTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private static (int Code, string Errors) Run(params string[] args)
    {
        var errors = new StringWriter();
        var code = CliApplication.Run(args, new StringWriter(), errors);
        return (code, errors.ToString());
    }

    /// <summary>A small compare run; <paramref name="overrides"/> are flag/value pairs replacing or adding to the defaults.</summary>
    private string[] SmallCompare(string run, params string[] overrides)
    {
        var flags = new Dictionary<string, string>
        {
            ["--data-dir"] = _data, ["--validation"] = "50", ["--out"] = run, ["--teacher-spec"] = "mlp:16", ["--student-spec"] = "mlp:8",
            ["--teacher-epochs"] = "1", ["--student-epochs"] = "2",
        };
        for (var i = 0; i + 1 < overrides.Length; i += 2) flags[overrides[i]] = overrides[i + 1];
        return ["compare", .. flags.SelectMany(kv => new[] { kv.Key, kv.Value })];
    }

    [Theory]
    [InlineData("--hard-weight", "-0.5", "The weight 'hardLabelWeight' must be a number from 0 to 1000000")]
    [InlineData("--temperature", "-2", "temperature must be a number above 0 and at most 1000")]
    [InlineData("--student-batch-size", "0", "batch size must be positive")]
    [InlineData("--teacher-lr", "-1", "learning rate must be a positive number")]
    [InlineData("--teacher-momentum", "1", "momentum must be in [0, 1)")]
    [InlineData("--student-gamma", "0", "Gamma must be in (0, 1]")]
    [InlineData("--student-patience", "-1", "patience must be 0 or more")]
    [InlineData("--teacher-jitter", "-1", "jitter must be 0 or more")]
    [InlineData("--student-clip-grad", "-1", "gradient clip norm must be 0 or more")]
    [InlineData("--validation", "0", "validation split must hold at least 1 row")]
    [InlineData("--student-optimizer", "rmsprop", "--student-optimizer must be one of sgd, adam, adamw, not 'rmsprop'")]
    [InlineData("--student-precision", "fp8", "--student-precision must be one of float32, bfloat16")]
    [InlineData("--student-schedule", "linear", "--student-schedule must be one of constant, step, cosine")]
    [InlineData("--teacher-epochs", "many", "Cannot parse argument 'many' for option '--teacher-epochs'")]
    [InlineData("--teacher-spec", "cnn:c8-bogus", "unknown layer 'bogus'")]
    [InlineData("--student-spec", "rnn:8", "unknown kind 'rnn'")]
    public void A_bad_option_is_refused_in_one_sentence_before_any_work(string flag, string value, string message)
    {
        var run = _folder.File("run");

        var (code, errors) = Run(SmallCompare(run, flag, value));

        AssertOneSentence(code, errors, message);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void An_unknown_flag_is_refused_in_one_sentence()
    {
        var (code, errors) = Run(SmallCompare(_folder.File("run"), "--methd", "kd"));

        AssertOneSentence(code, errors, "Unknown option '--methd' for 'distill compare'; did you mean '--method'?");
    }

    [Fact]
    public void An_absurdly_large_model_is_refused_before_anything_is_allocated()
    {
        var error = Assert.Throws<DistillException>(() => ModelBuilder.Build(ModelSpec.Parse("mlp:100000000-100000000"), [1, 28, 28], 10));

        Assert.Contains("more than Distill will build", error.Message);
    }

    /// <summary>A teacher file that is internally consistent but built for other data.</summary>
    private string SaveTeacher(long[] inputShape, int classes)
    {
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), inputShape, classes);
        var path = _folder.File($"teacher-{classes}-{inputShape[^1]}.bin");
        ModelStore.Save(model, new ModelCard("mlp:16", inputShape, classes, ModelBuilder.CountParameters(model), "mnist", "teacher"), path);
        return path;
    }

    [Fact]
    public void A_teacher_with_another_class_count_than_the_data_is_refused()
    {
        var teacher = SaveTeacher([1, 12, 12], classes: 5);

        var (code, errors) = Run("distill", "--teacher", teacher, "-s", "mlp:8", "--data-dir", _data, "--validation", "50", "--out", _folder.File("s"));

        AssertOneSentence(code, errors, "predicts 5 classes but mnist has 10");
    }

    [Fact]
    public void A_teacher_for_another_input_shape_is_refused_by_distill_and_eval()
    {
        var teacher = SaveTeacher([1, 8, 8], classes: 10);

        var (code, errors) = Run("distill", "--teacher", teacher, "-s", "mlp:8", "--data-dir", _data, "--validation", "50", "--out", _folder.File("s"));
        AssertOneSentence(code, errors, "takes inputs of shape 1x8x8 but mnist has 1x12x12");

        (code, errors) = Run("eval", teacher, "--data-dir", _data);
        AssertOneSentence(code, errors, "takes inputs of shape 1x8x8 but mnist has 1x12x12");
    }

    [Fact]
    public void A_label_outside_the_classes_is_refused_through_the_command_line()
    {
        var labels = new byte[300];
        labels[17] = 12;
        SyntheticIdx.WriteLabels(Path.Combine(_data, Distill.Data.DatasetInfo.TrainLabels), labels);

        var (code, errors) = Run(SmallCompare(_folder.File("run")));

        AssertOneSentence(code, errors, "label at row 17 is 12, outside the 10 classes");
    }

    [Fact]
    public void Resuming_with_a_truncated_or_corrupt_checkpoint_is_refused_in_one_sentence()
    {
        var run = _folder.File("run");
        Assert.Equal(0, Run(SmallCompare(run)).Code);
        // Pretend the distilled student was interrupted: its outcome is gone, its training state must be read.
        File.Delete(Path.Combine(run, "distilled", ModelRunner.OutcomeFile));
        var state = Path.Combine(run, "distilled", TrainingCheckpoint.FileName);
        var bytes = File.ReadAllBytes(state);

        File.WriteAllBytes(state, bytes[..(bytes.Length / 2)]);
        var (code, errors) = Run("compare", "--resume", run);
        AssertOneSentence(code, errors, "is corrupt");

        bytes[^100] ^= 0x10;
        File.WriteAllBytes(state, bytes);
        (code, errors) = Run("compare", "--resume", run);
        AssertOneSentence(code, errors, "checksum does not match");

        File.WriteAllBytes(state, [.. "NOTACKPT"u8, .. bytes[8..]]);
        (code, errors) = Run("compare", "--resume", run);
        AssertOneSentence(code, errors, "wrong magic number");
    }

    [Fact]
    public void Resuming_with_a_truncated_weights_file_of_a_finished_model_is_refused()
    {
        var run = _folder.File("run");
        Assert.Equal(0, Run(SmallCompare(run)).Code);
        File.Delete(Path.Combine(run, "distilled", ModelRunner.OutcomeFile));
        var teacher = Path.Combine(run, "teacher", "best.bin");
        File.WriteAllBytes(teacher, File.ReadAllBytes(teacher)[..200]);

        var (code, errors) = Run("compare", "--resume", run);

        AssertOneSentence(code, errors, "does not hold valid weights");
    }

    [Fact]
    public void A_finished_distill_run_resumes_without_its_required_options_and_reuses_the_student()
    {
        var teacherRun = _folder.File("teacher");
        Assert.Equal(0, Run("train", "-m", "mlp:16", "--data-dir", _data, "--validation", "50", "--epochs", "1", "--out", teacherRun).Code);
        var student = _folder.File("student");
        var teacher = Path.Combine(teacherRun, "teacher", "best.bin");
        Assert.Equal(0, Run("distill", "--teacher", teacher, "-s", "mlp:8", "--data-dir", _data, "--validation", "50", "--epochs", "2", "--out", student).Code);
        var weights = File.ReadAllBytes(Path.Combine(student, "distilled", "best.bin"));

        var (code, errors) = Run("distill", "--resume", student);

        Assert.True(code == 0, errors);
        Assert.Contains("Reusing distilled", errors);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(student, "distilled", "best.bin")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(student, "metrics.jsonl")).Length);
    }

    [Fact]
    public void Resuming_a_run_with_another_command_is_refused()
    {
        var run = _folder.File("run");
        Assert.Equal(0, Run(SmallCompare(run)).Code);

        var (code, errors) = Run("train", "--resume", run);

        AssertOneSentence(code, errors, "holds a 'compare' run");
    }
}
