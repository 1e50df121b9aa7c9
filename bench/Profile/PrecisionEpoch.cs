using System.Diagnostics;
using System.Globalization;
using Distill.Models;
using Distill.Studies;
using Distill.Training;
using static TorchSharp.torch;

/// <summary>
/// One training epoch of a model as `distill train` runs it (same data split, options, oneDNN
/// switching), timed in process CPU time as well as wall time, so that float32 and bfloat16
/// epochs can be compared on a shared machine: the CPU seconds a process spends do not grow when
/// another process takes a core, its wall seconds do. Prints one JSON line.
/// Usage: Profile epoch IDX_DIR PRECISION [spec] [epochs].
/// </summary>
internal static class PrecisionEpoch
{
    public static void Run(string dataDir, Precision precision, string spec, int epochs)
    {
        Distill.Native.OneDnnSwitch.OneModelAtATime = true;
        using var data = StudyData.Load(new Distill.Data.DataSelection { Dataset = "mnist", Path = dataDir }, null, 1);
        manual_seed(1);
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), data.Train.SampleShape, data.Info.ClassCount);
        var options = new TrainingOptions { Epochs = epochs, Precision = precision, Seed = 1 };
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var (user0, system0) = (process.UserProcessorTime, process.PrivilegedProcessorTime);
        var clock = Stopwatch.StartNew();
        var result = new Trainer(options).Train("model", model, data.Train, data.Validation, new SupervisedObjective());
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var (user, system) = ((process.UserProcessorTime - user0).TotalSeconds, (process.PrivilegedProcessorTime - system0).TotalSeconds);
        var last = result.History[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"precision\": \"{precision.ToString().ToLowerInvariant()}\", \"spec\": \"{spec}\", \"epochs\": {epochs}, \"train_rows\": {data.Train.Count}, \"threads\": {get_num_threads()}, \"wall_s\": {wall:F3}, \"user_s\": {user:F3}, \"sys_s\": {system:F3}, \"cpu_s\": {user + system:F3}, \"epoch_wall_s\": [{string.Join(", ", result.History.Select(e => e.Seconds.ToString("F3", CultureInfo.InvariantCulture)))}], \"val_accuracy\": {last.ValidationAccuracy:F4}, \"train_loss\": {last.TrainLoss:F4}}}"));
    }
}
