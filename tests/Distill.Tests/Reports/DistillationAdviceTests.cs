using Distill.Reports;
using Distill.Studies;

namespace Distill.Tests.Reports;

/// <summary>The one-line suggestion after distillation lost: each branch, from the run's own numbers.</summary>
public sealed class DistillationAdviceTests
{
    private static ModelOutcome Model(ModelRole role, double accuracy, long errors) =>
        new(role, "mlp:8", 100, 400, "", accuracy, errors, accuracy, errors, 1, 1, 1, 0.1, $"{role}/best.bin", [], []);

    private static readonly ModelOutcome Teacher = Model(ModelRole.Teacher, 0.95, 50);
    private static readonly ModelOutcome Scratch = Model(ModelRole.Scratch, 0.90, 100);

    private static TuneResult Tune(params (double Temperature, double Soft, double Accuracy)[] trials) =>
        new(new Distill.Methods.DistillationOptions(), trials.Select(t => new TuneTrial(0, t.Temperature, 1 - t.Soft, t.Soft, 2, t.Accuracy))
            .Append(new TuneTrial(1, 8, 0.1, 0.9, 6, 0.99)).ToList(), "best");

    [Fact]
    public void A_win_gets_no_suggestion()
    {
        Assert.Null(DistillationAdvice.For(Teacher, Scratch, Model(ModelRole.Distilled, 0.91, 90), tune: null));
    }

    [Fact]
    public void A_tie_or_loss_without_tuning_suggests_tune()
    {
        var advice = DistillationAdvice.For(Teacher, Scratch, Model(ModelRole.Distilled, 0.90, 100), tune: null);

        Assert.Equal("Try --tune: it chooses kd's temperature and soft weight on the validation split (every trial goes to tune.json).", advice);
    }

    [Fact]
    public void A_teacher_hardly_better_than_the_student_is_named_first()
    {
        var weak = Model(ModelRole.Teacher, 0.905, 95);

        var advice = DistillationAdvice.For(weak, Scratch, Model(ModelRole.Distilled, 0.89, 110), tune: null);

        Assert.Equal("The teacher is only 0.50 points more accurate than the scratch student (90.50% against 90.00%): " +
                     "a stronger teacher (more --teacher-epochs, a larger --teacher-spec) gives the student more to learn.", advice);
    }

    [Fact]
    public void A_tuned_run_names_the_knob_that_moved_validation_accuracy_most_and_the_value_past_its_edge()
    {
        // Temperature: means 0.80, 0.85, 0.90 (10 points); soft weight: 0.85 everywhere but 0.5 (1 point).
        var tune = Tune((2, 0.5, 0.79), (2, 0.9, 0.81), (4, 0.5, 0.84), (4, 0.9, 0.86), (8, 0.5, 0.89), (8, 0.9, 0.91));

        var advice = DistillationAdvice.For(Teacher, Scratch, Model(ModelRole.Distilled, 0.88, 120), tune);

        Assert.Equal("--tune's trials moved validation accuracy most through the temperature (10.00 points between 2 and 8; the soft weight moved it 2.00): " +
                     "its best, 8, is the edge of the range tried, so try --temperature 16 with the chosen soft weight.", advice);
    }

    [Fact]
    public void A_tuned_run_whose_best_soft_weight_lies_inside_the_range_says_so()
    {
        var tune = Tune((4, 0.5, 0.80), (4, 0.7, 0.90), (4, 0.9, 0.82), (8, 0.5, 0.80), (8, 0.7, 0.90), (8, 0.9, 0.82));

        var advice = DistillationAdvice.For(Teacher, Scratch, Model(ModelRole.Distilled, 0.88, 120), tune);

        Assert.Equal("--tune's trials moved validation accuracy most through the soft weight (10.00 points between 0.5 and 0.7; the temperature moved it 0.00): " +
                     "its best, 0.7, lies inside the range tried, so the soft weight is already near its best on this data.", advice);
    }

    [Fact]
    public void A_soft_weight_best_at_its_limit_is_not_pushed_past_it()
    {
        var tune = Tune((4, 0.8, 0.80), (4, 1.0, 0.90));

        var advice = DistillationAdvice.For(Teacher, Scratch, Model(ModelRole.Distilled, 0.88, 120), tune);

        Assert.EndsWith("its best, 1, is as far as the soft weight goes.", advice);
    }

    [Fact]
    public void The_tuners_file_is_read_from_beside_the_distilled_weights()
    {
        using var folder = new Support.TemporaryFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "Distilled"));
        var tune = Tune((2, 0.5, 0.80), (4, 0.5, 0.90));
        File.WriteAllText(Path.Combine(folder.Path, "Distilled", TuneResult.FileName), Distill.Runs.Json.Serialize(tune));

        var read = DistillationAdvice.TuneOf(Model(ModelRole.Distilled, 0.88, 120), folder.Path);

        Assert.Equal(tune.Trials.Count, read!.Trials.Count);
        Assert.Null(DistillationAdvice.TuneOf(Model(ModelRole.Scratch, 0.88, 120), folder.Path));
    }
}
