using System.Runtime.InteropServices;
using Distill.Methods;
using Distill.Runs;
using Distill.Studies;
using Distill.Training;

/// <summary>
/// Runs one MLP distillation study through the library (as `distill compare` does) and prints, at
/// every progress message and finished epoch, where the process's memory is: resident set (VmRSS,
/// and its high-water mark VmHWM), the .NET GC heap (managed objects) and glibc's allocator
/// (mallinfo2: bytes in use by native code, libtorch's tensors among them, and freed bytes the heap
/// keeps). Usage: Profile memory DATA_DIR OUT_DIR [teacher] [student] [epochs] [rows]
/// </summary>
internal static class MemoryTrace
{
    public static void Run(string data, string output, string teacher, string student, int epochs)
    {
        Print("start-up (runtime + libtorch loaded)");
        var training = new TrainingOptions { Epochs = epochs };
        var options = new StudyOptions
        {
            Data = data,
            TeacherSpec = teacher,
            StudentSpec = student,
            TeacherTraining = training,
            StudentTraining = training,
            Distillation = new DistillationOptions { Temperature = 20 },
        };
        var messages = new Progress(Print);
        var epochsDone = new EpochProgress(p => { if (p.Completed is not null) Print($"  {p.Model} epoch {p.Epoch} done"); });
        using (var folder = RunFolder.Create(output, replace: true))
            new StudyPipeline(new StudyObserver(messages, epochsDone)).Run(StudyPlan.Study(options), folder);
        Print("study finished (report written, data and models disposed)");
        GC.Collect();
        Print("after GC.Collect");
    }

    private static readonly bool Trim = Environment.GetEnvironmentVariable("TRACE_TRIM") == "1";

    [DllImport("libc.so.6")]
    private static extern int malloc_trim(nuint pad);

    private static void Print(string what)
    {
        if (Trim) malloc_trim(0);
        var status = File.ReadAllLines("/proc/self/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim());
        static double Mib(string kb) => long.Parse(kb.Split(' ')[0]) / 1024.0;
        var gc = GC.GetGCMemoryInfo();
        var info = MallocInfo();
        Console.WriteLine(
            $"{what,-58} rss {Mib(status["VmRSS"]),7:F0}  hwm {Mib(status["VmHWM"]),7:F0}  gc-heap {GC.GetTotalMemory(false) / 1048576.0,6:F0} (committed {gc.TotalCommittedBytes / 1048576.0,5:F0})" +
            $"  malloc in-use {(info.InUse + info.Mapped) / 1048576.0,6:F0} (mmap {info.Mapped / 1048576.0,5:F0})  malloc free-kept {info.Free / 1048576.0,6:F0}  MiB");
    }

    private static (long InUse, long Free, long Mapped) MallocInfo()
    {
        var m = mallinfo2();
        return ((long)m.uordblks, (long)m.fordblks, (long)m.hblkhd);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc.so.6")]
    private static extern MallInfo2 mallinfo2();

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value.Length > 56 ? value[..56] : value);
    }

    private sealed class EpochProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
