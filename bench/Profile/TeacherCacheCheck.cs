using System.Diagnostics;
using Distill.Methods;
using Distill.Models;
using Distill.Studies;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

/// <summary>
/// What caching a frozen teacher's feature maps saves: one distillation epoch of a feature method
/// with the teacher's outputs cached once (logits and the layers read) against the teacher run on
/// every batch, same student, same seed. Usage: Profile teacher-cache TEACHER.bin [methods] [student]
/// on Fashion-MNIST from the cache.
/// </summary>
internal static class TeacherCacheCheck
{
    public static void Run(string teacherPath, string[] methods, string studentSpec)
    {
        using var data = StudyData.Load("fashion-mnist", null, 5000, 1);
        var (teacher, _) = ModelStore.Load(teacherPath);
        Console.WriteLine($"teacher {teacherPath}, student {studentSpec}, threads {get_num_threads()}");
        Console.WriteLine($"{"method",-8} {"teacher",-7} {"cache MiB",9} {"cache s",8} {"epoch s",8} {"epoch CPU-s",11} {"train loss",10}");
        foreach (var method in methods)
        foreach (var cached in new[] { true, false })
        {
            using var frozen = new FrozenTeacher(teacher, data.Train.Features, cached ? long.MaxValue : 0);
            manual_seed(1);
            using var student = ModelBuilder.Build(ModelSpec.Parse(studentSpec), data.Train.SampleShape, data.Info.ClassCount);
            var process = Process.GetCurrentProcess();
            var clock = Stopwatch.StartNew();
            using var objective = DistillationObjective.Create(student, frozen, new DistillationOptions { Method = method },
                data.Train.SampleShape, data.Info.ClassCount, data.Train.Count, 1, augmented: false);
            var cacheSeconds = clock.Elapsed.TotalSeconds;
            var cacheBytes = cached ? CachedTeacher.FeatureBytes(
                objective.TeacherLayers.Select(l => frozen.Layers.First(s => s.Name == l)).ToList(), data.Train.Count) : 0;
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var result = new Trainer(new TrainingOptions { Epochs = 1 }).Train(method, student, data.Train, data.Validation, objective);
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            Console.WriteLine($"{method,-8} {(objective.UsesCache ? "cached" : "live"),-7} {cacheBytes / 1048576.0,9:F0} {cacheSeconds,8:F1} {result.History[0].Seconds,8:F1} {cpu,11:F1} {result.History[0].TrainLoss,10:F4}");
        }
    }
}
