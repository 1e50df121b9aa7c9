using Distill.Experiments;
using Distill.Reports;
using Distill.Runs;
using Distill.Studies;
using Distill.Tests.Support;
using Distill.Training;

namespace Distill.Tests.Teachers;

/// <summary>
/// The capacity sweep: every teacher of the sweep distils its own copy of the student, early-stopped
/// teachers are the same training cut short, and capacity.md / capacity.png pair each student with
/// the teacher it learnt from.
/// </summary>
public sealed class CapacitySweepTests
{
    [Fact]
    public void A_capacity_sweep_pairs_each_teacher_with_its_own_student_and_early_stopped_teachers_are_the_same_run_cut_short()
    {
        using var tiny = new TinyData();
        var options = new StudyOptions
        {
            Data = tiny.DataDirectory,
            ValidationCount = 100,
            TeacherSpec = "mlp:32",
            TeacherSweep = ["mlp:4"],
            EarlyStopEpochs = [1],
            StudentSpec = "mlp:8",
            TeacherTraining = new TrainingOptions { Epochs = 3, BatchSize = 32 },
            StudentTraining = new TrainingOptions { Epochs = 2, BatchSize = 32 },
        };
        using var folder = RunFolder.Create(Path.Combine(tiny.RunsDirectory, "run"), replace: false);

        var result = new StudyPipeline().Run(StudyPlan.Study(options), folder);

        var byLabel = result.Models.ToDictionary(m => m.Label);
        Assert.Equal(
            ["Teacher mlp:4", "Teacher mlp:32 stopped at epoch 1", "Teacher mlp:4 stopped at epoch 1", "Teacher", "Student (scratch)", "Student (distilled)",
             "Student from mlp:4", "Student from mlp:32 stopped at epoch 1", "Student from mlp:4 stopped at epoch 1"],
            result.Models.Select(m => m.Label));
        Assert.Equal("Teacher", byLabel["Student (distilled)"].DistilledFrom);
        Assert.Equal("Teacher mlp:4 stopped at epoch 1", byLabel["Student from mlp:4 stopped at epoch 1"].DistilledFrom);
        // Stopped early, not a different run: the first epoch is the full teacher's first epoch.
        var full = byLabel["Teacher"].History[0];
        var stopped = byLabel["Teacher mlp:32 stopped at epoch 1"].History[0];
        Assert.Equal(full.TrainLoss, stopped.TrainLoss);
        Assert.Equal(full.ValidationAccuracy, stopped.ValidationAccuracy);
        Assert.Single(byLabel["Teacher mlp:32 stopped at epoch 1"].History);

        var rows = CapacityReport.Rows(result);
        Assert.True(rows.Count == 4, string.Join(" / ", rows.Select(r => string.Join(",", r))));
        var weak = rows.Single(r => r[0] == "Teacher mlp:4");
        Assert.Equal((byLabel["Teacher mlp:4"].TestAccuracy * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "%", weak[3]);
        Assert.Equal((byLabel["Student from mlp:4"].TestAccuracy * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "%", weak[4]);
        Assert.Contains(rows, r => r[0] == "Teacher mlp:32");
        Assert.True(new FileInfo(Path.Combine(folder.Path, CapacityReport.PlotFile)).Length > 1000);
        Assert.Contains("| Teacher mlp:4 stopped at epoch 1 | mlp:4 |", File.ReadAllText(Path.Combine(folder.Path, CapacityReport.TableFile)));
        Assert.Contains("Capacity gap", File.ReadAllText(Path.Combine(folder.Path, "report.html")));
    }

    [Fact]
    public void Early_stop_epochs_at_or_past_the_teachers_epochs_are_refused_in_one_sentence()
    {
        var options = new StudyOptions { TeacherSweep = ["mlp:4"], EarlyStopEpochs = [3], TeacherTraining = new TrainingOptions { Epochs = 3 } };

        var error = Assert.Throws<DistillException>(options.Validate);

        Assert.Equal("Early-stopped teachers need epochs from 1 to 2 (below the teacher's 3), not [3].", error.Message);
    }
}
