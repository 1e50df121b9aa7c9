using System.Diagnostics;
using Distill.Methods;
using Distill.Models;
using Distill.Studies;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

/// <summary>
/// What the per-view teacher cache saves: distillation epochs with augmentation that makes a finite
/// set of views (flips, shifts), the teacher run on every batch against its logits kept per row and
/// view (<see cref="ViewCachedTeacher"/>), alternating, each epoch's wall and CPU seconds and the
/// share of row-and-view pairs met so far. Usage: Profile view-cache IDX_DIR [augment] [epochs] [validation rows].
/// </summary>
internal static class ViewCacheCheck
{
    public static void Run(string dataDir, string augment, int epochs, int validationRows)
    {
        const string teacherSpec = "cnn:c32-relu-c32-relu-mp2-c64-relu-c64-relu-mp2-fc128-relu-drop0.3";
        const string studentSpec = "cnn:c8-relu-mp2-c16-relu-mp2-fc32-relu";
        using var data = StudyData.Load(new Distill.Data.DataSelection { Dataset = "mnist", Path = dataDir }, validationRows, 1);
        var shape = data.Train.SampleShape;
        var classes = data.Info.ClassCount;
        manual_seed(1);
        var teacher = ModelBuilder.Build(ModelSpec.Parse(teacherSpec), shape, classes);
        var options = new TrainingOptions { Epochs = epochs, Augment = augment };
        Console.WriteLine($"{data.Train.Count} rows, teacher {teacherSpec}, student {studentSpec}, augment {augment}, threads {get_num_threads()}");
        Console.WriteLine($"{"teacher",-12} {"epoch",5} {"wall s",8} {"CPU s",8} {"views met",9}");
        foreach (var perView in new[] { false, true, false, true })
        {
            manual_seed(1);
            using var student = ModelBuilder.Build(ModelSpec.Parse(studentSpec), shape, classes);
            using var frozen = new FrozenTeacher(teacher, data.Train.Features);
            using var objective = DistillationObjective.Create(student, frozen, new DistillationOptions(), shape, classes, data.Train.Count, 1,
                augmented: true, perView ? options.Transforms() : null);
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var progress = new Progress(record =>
            {
                process.Refresh();
                var met = objective.Describe().Contains("per view") ? Met(frozen, options, data.Train.Count) : "";
                Console.WriteLine($"{(perView ? "per view" : "live"),-12} {record.Epoch,5} {record.Seconds,8:F2} {(process.TotalProcessorTime - cpu).TotalSeconds,8:F2} {met,9}");
                cpu = process.TotalProcessorTime;
            });
            new Trainer(options, progress).Train("s", student, data.Train, data.Validation, objective);
        }
    }

    private static string Met(FrozenTeacher frozen, TrainingOptions options, long rows)
    {
        var cache = (ViewCachedTeacher)frozen.Source([], augmented: true, options.Transforms());
        return $"{100.0 * cache.KnownCount / (cache.ViewCount * rows):F0} %";
    }

    private sealed class Progress(Action<EpochRecord> onEpoch) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Completed is { } record) onEpoch(record);
        }
    }
}
