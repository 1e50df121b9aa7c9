using Distill.Experiments;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>--augment from the command line and `augment` from experiment files reach the trainer; a bad one is one sentence.</summary>
public sealed class AugmentCliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public AugmentCliTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Compare(string run, params string[] extra) =>
    [
        "compare", "--data-dir", _data, "--validation", "50", "--out", run, "--teacher-spec", "mlp:32", "--student-spec", "mlp:8",
        "--teacher-epochs", "1", "--student-epochs", "1", .. extra,
    ];

    [Fact]
    public void An_augmented_student_is_distilled_from_a_live_teacher_and_the_choice_is_recorded()
    {
        var run = _folder.File("augmented");
        var (code, output, errors) = InProcessCli.Run(Compare(run, "--student-augment", "crop:2,hflip,rotate:5,brightness:0.1"));

        Assert.True(code == 0, errors);
        Assert.Contains("teacher run on every batch", output + errors);
        Assert.Contains("crop:2,hflip,rotate:5,brightness:0.1", File.ReadAllText(Path.Combine(run, "config.json")));
    }

    [Fact]
    public void A_student_augmented_by_flips_and_shifts_only_is_taught_from_logits_kept_per_view()
    {
        var (code, output, errors) = InProcessCli.Run(Compare(_folder.File("views"), "--student-augment", "hflip,crop:1"));

        Assert.True(code == 0, errors);
        Assert.Contains("teacher outputs cached per view (18 views an image)", output + errors);
    }

    [Fact]
    public void Without_augmentation_the_teacher_outputs_are_cached()
    {
        var (code, output, errors) = InProcessCli.Run(Compare(_folder.File("plain")));

        Assert.True(code == 0, errors);
        Assert.Contains("teacher outputs cached once", output + errors);
    }

    [Fact]
    public void A_bad_augmentation_flag_is_one_sentence_and_exit_code_1()
    {
        var (code, _, errors) = InProcessCli.Run(Compare(_folder.File("bad"), "--student-augment", "hflip,spin:3"));

        Assert.Equal(1, code);
        Assert.Contains("unknown transform 'spin'", errors);
        Assert.Single(errors.Trim().Split('\n'));
        Assert.False(Directory.Exists(_folder.File("bad")));
    }

    [Fact]
    public void An_experiment_file_names_the_transforms_and_a_bad_one_names_the_entry()
    {
        var path = _folder.File("experiment.json");
        File.WriteAllText(path, """{ "studentTraining": { "augment": "crop:4,hflip,zoom:0.1" } }""");

        var experiment = ExperimentFile.Load(path);

        Assert.Equal("crop:4,hflip,zoom:0.1", experiment.Study.StudentTraining.Augment);
        Assert.True(experiment.Study.StudentTraining.Augments);
        Assert.False(experiment.Study.TeacherTraining.Augments);
        File.WriteAllText(path, """{ "studentTraining": { "augment": "zoom:2" } }""");
        var error = Assert.Throws<DistillException>(() => ExperimentFile.Load(path));
        Assert.Contains("zoom amount must be above 0 and below 1, not 2", error.Message);
    }
}
