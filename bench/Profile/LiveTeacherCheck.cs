using System.Diagnostics;
using TorchSharp;
using Distill.Data.Augmentation;
using Distill.Methods;
using Distill.Models;
using Distill.Studies;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

/// <summary>
/// Where a distillation epoch with the teacher run on every batch spends its time: whole epochs of
/// the scratch student and of the distilled student (same augmentation, alternating, as the trainer
/// runs them), then the parts alone over one epoch's batches: the augmentation, the student's step
/// and the teacher's forward pass as <see cref="LiveTeacher"/> runs it.
/// Usage: Profile live-teacher IDX_DIR [teacher] [student] [augment] [rounds] [validation rows] [variants|-] [float32|bfloat16].
/// In bfloat16 the student's steps and the teacher's forward pass compute in bfloat16, as the trainer runs them.
/// </summary>
internal static class LiveTeacherCheck
{
    public static void Run(string dataDir, string teacherSpec, string studentSpec, string augment, int rounds, int validationRows, bool variants, Precision precision = Precision.Float32)
    {
        // As the distill command line runs it: one model at a time, so each model's convolutions get
        // oneDNN wherever it computes them right, even on a CPU where it is wrong for other shapes.
        Distill.Native.OneDnnSwitch.OneModelAtATime = true;
        using var data = StudyData.Load(new Distill.Data.DataSelection { Dataset = "mnist", Path = dataDir }, validationRows, 1);
        var shape = data.Train.SampleShape;
        var classes = data.Info.ClassCount;
        manual_seed(1);
        var teacher = ModelBuilder.Build(ModelSpec.Parse(teacherSpec), shape, classes);
        var options = new TrainingOptions { Epochs = 1, Augment = augment, Precision = precision };
        Console.WriteLine($"{data.Train.Count} rows, teacher {teacherSpec}, student {studentSpec}, augment {augment}, {precision}, threads {get_num_threads()}");
        Console.WriteLine($"{"round",5} {"what",-32} {"wall s",8} {"CPU s",8}");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var distilled in new[] { false, true })
            {
                manual_seed(1);
                using var student = ModelBuilder.Build(ModelSpec.Parse(studentSpec), shape, classes);
                using var frozen = new FrozenTeacher(teacher, data.Train.Features);
                using var objective = distilled
                    ? DistillationObjective.Create(student, frozen, new DistillationOptions(), shape, classes, data.Train.Count, 1, augmented: true, precision: precision)
                    : null;
                var seconds = Time(() => new Trainer(options).Train("s", student, data.Train, data.Validation, (ITrainingObjective?)objective ?? new SupervisedObjective()));
                Console.WriteLine($"{round,5} {(distilled ? "epoch, distilled, live teacher" : "epoch, scratch"),-32} {seconds.Wall,8:F2} {seconds.Cpu,8:F2}");
            }
            Parts(round, data.Train, teacher, teacherSpec, studentSpec, options, variants);
        }
    }

    // The parts of a distilled epoch alone, over the same batches.
    private static void Parts(int round, Distill.Data.LabeledDataset train, nn.Module<Tensor, Tensor> teacher, string teacherSpec, string studentSpec, TrainingOptions options, bool variants)
    {
        var sampler = new Distill.Data.BatchSampler(train.Count, options.BatchSize, shuffle: true, seed: 1);
        using var augmentation = new AugmentationPipeline(options.Transforms(), train.SampleShape, ImageRange.Measure(train.Features), 2);
        var batches = new List<Tensor>();
        var augmentSeconds = Time(() =>
        {
            foreach (var (rows, inputs) in train.Batches(sampler.Epoch()))
            {
                rows.Dispose();
                batches.Add(augmentation.Apply(inputs));
                inputs.Dispose();
            }
        });
        Console.WriteLine($"{round,5} {"batches + augmentation",-32} {augmentSeconds.Wall,8:F2} {augmentSeconds.Cpu,8:F2}");
        manual_seed(1);
        using var student = ModelBuilder.Build(ModelSpec.Parse(studentSpec), train.SampleShape, 10);
        var adam = optim.Adam(student.parameters(), 1e-3);
        using var labels = zeros(options.BatchSize, dtype: ScalarType.Int64);
        var step = Time(() =>
        {
            foreach (var x in batches)
            {
                using var s = NewDisposeScope();
                using var mixed = MixedPrecision.Use(student, options.Precision);
                adam.zero_grad();
                nn.functional.cross_entropy(student.call(x), labels[..(int)x.shape[0]]).backward();
                adam.step();
            }
        });
        Console.WriteLine($"{round,5} {"student steps",-32} {step.Wall,8:F2} {step.Cpu,8:F2}");
        using var live = new LiveTeacher(teacher, [], options.Precision);
        var forward = Time(() =>
        {
            foreach (var x in batches)
            {
                using var s = NewDisposeScope();
                live.Outputs(x, x);
            }
        });
        Console.WriteLine($"{round,5} {"teacher forward (LiveTeacher)",-32} {forward.Wall,8:F2} {forward.Cpu,8:F2}");
        foreach (var (what, run) in variants ? Variants(teacher, teacherSpec, train.SampleShape) : [])
        {
            var t = Time(() =>
            {
                foreach (var x in batches)
                {
                    using var s = NewDisposeScope();
                    run(x);
                }
            });
            Console.WriteLine($"{round,5} {what,-32} {t.Wall,8:F2} {t.Cpu,8:F2}");
        }
        foreach (var x in batches) x.Dispose();
    }

    // Other ways to run the same teacher forward, to see what each choice costs.
    private static IEnumerable<(string, Action<Tensor>)> Variants(nn.Module<Tensor, Tensor> teacher, string spec, long[] shape)
    {
        yield return ("teacher, no_grad, fp32", x => { using var g = no_grad(); teacher.call(x); });
        yield return ("teacher, inference_mode, fp32", x => { using var g = inference_mode(); teacher.call(x); });
        var lastTeacher = ModelBuilder.Build(ModelSpec.Parse(spec), shape, 10);
        lastTeacher.load_state_dict(teacher.state_dict());
        lastTeacher.eval();
        using (no_grad())
            foreach (var p in lastTeacher.parameters().Where(p => p.dim() == 4)) p.set_(ChannelsLast(p));
        yield return ("teacher, inference, channels-last", x => { using var g = inference_mode(); lastTeacher.call(ChannelsLast(x)); });
        yield return ("teacher, inference, bf16 per call", x =>
        {
            using var g = inference_mode();
            using var m = MixedPrecision.Use(teacher, Precision.Bfloat16);
            teacher.call(x).to(ScalarType.Float32);
        });
        var bf = ModelBuilder.Build(ModelSpec.Parse(spec), shape, 10);
        bf.load_state_dict(teacher.state_dict());
        bf.eval();
        bf.to(ScalarType.BFloat16);
        yield return ("teacher, inference, bf16 once", x => { using var g = inference_mode(); bf.call(x.to(ScalarType.BFloat16)).to(ScalarType.Float32); });
        using (no_grad())
            foreach (var p in bf.parameters().Where(p => p.dim() == 4)) p.set_(ChannelsLast(p));
        yield return ("teacher, inference, bf16 once, CL", x => { using var g = inference_mode(); bf.call(ChannelsLast(x.to(ScalarType.BFloat16))).to(ScalarType.Float32); });
    }

    private static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private static (double Wall, double Cpu) Time(Action action)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }
}
