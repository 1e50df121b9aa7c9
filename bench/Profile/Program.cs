// Where the time of an MLP training step goes, in CPU time (robust on a shared machine) and
// wall time: matmul roofline (fp32, bf16), then forward, forward+backward, and whole steps with
// TorchSharp's Adam, Distill's fused Adam and SGD for a Distill-built MLP. Usage: Profile [threads] [spec] [batch]
// `Profile bf16-conv` instead checks libtorch's bfloat16 convolutions against float32;
// `Profile conv-check` checks float32 and bfloat16 convolutions against float64, oneDNN on and off;
// `Profile THREADS SPEC BATCH precision` times whole steps in float32 and bfloat16;
// `Profile THREADS SPEC BATCH layers` times each layer's forward and backward in float32 and bfloat16;
// `Profile memory DATA OUT` traces memory through an MLP study (MemoryTrace.cs);
// `Profile live-teacher IDX_DIR` times a distillation epoch with the teacher on every batch, and its parts;
// `Profile view-cache IDX_DIR [augment] [epochs]` times a live against a per-view cached teacher;
// `Profile teacher-cache TEACHER.bin` times feature distillation with a cached against a live teacher;
// `Profile epoch IDX_DIR PRECISION [spec] [epochs]` times training epochs as `distill train` runs them, in CPU and wall time (PrecisionEpoch.cs);
// `Profile pipeline FOLDER SIZE AUGMENT BATCH EPOCHS STREAM WORKERS` times the image pipeline (ImagePipeline.cs).
using System.Diagnostics;
using Distill.Models;
using static TorchSharp.torch;

// Measures Distill as the distill command line runs it: with every native setting (docs/native.md).
Distill.Native.DistillNative.Prepare();
if (args is ["teacher-cache", var teacherPath, ..])
{
    TeacherCacheCheck.Run(teacherPath, args.Length > 2 ? args[2].Split(',') : ["sp", "fitnets", "at"],
        args.Length > 3 ? args[3] : "cnn:c8-relu-mp2-c16-relu-mp2-fc32-relu");
    return;
}
if (args is ["live-teacher", var liveData, ..])
{
    LiveTeacherCheck.Run(liveData, args.Length > 2 ? args[2] : "cnn:c32-relu-c32-relu-mp2-c64-relu-c64-relu-mp2-fc128-relu-drop0.3",
        args.Length > 3 ? args[3] : "cnn:c8-relu-mp2-c16-relu-mp2-fc32-relu", args.Length > 4 ? args[4] : "hflip,rotate:10",
        args.Length > 5 ? int.Parse(args[5]) : 3, args.Length > 6 ? int.Parse(args[6]) : 1000, args.Length > 7 && args[7] == "variants",
        args.Length > 8 ? Enum.Parse<Distill.Training.Precision>(args[8], ignoreCase: true) : Distill.Training.Precision.Float32);
    return;
}
if (args is ["view-cache", var viewData, ..])
{
    ViewCacheCheck.Run(viewData, args.Length > 2 ? args[2] : "hflip,crop:1", args.Length > 3 ? int.Parse(args[3]) : 4, args.Length > 4 ? int.Parse(args[4]) : 1000);
    return;
}
if (args is ["memory", var dataDir, var outDir, ..])
{
    MemoryTrace.Run(dataDir, outDir, args.Length > 3 ? args[3] : "mlp:1200-1200,dropout=0.3",
        args.Length > 4 ? args[4] : "mlp:800-800", args.Length > 5 ? int.Parse(args[5]) : 2);
    return;
}
if (args is ["pipeline", var imageFolder, var side, var augment, var batchSize, var epochCount, var streamed, var decoders])
{
    ImagePipeline.Run(imageFolder, int.Parse(side), augment, int.Parse(batchSize), int.Parse(epochCount), bool.Parse(streamed), int.Parse(decoders));
    return;
}
if (args is ["epoch", var epochData, var epochPrecision, ..])
{
    PrecisionEpoch.Run(epochData, Enum.Parse<Distill.Training.Precision>(epochPrecision, ignoreCase: true),
        args.Length > 3 ? args[3] : "cnn:c32-relu-mp2-c64-relu-mp2-fc128-relu-drop0.3", args.Length > 4 ? int.Parse(args[4]) : 1);
    return;
}
if (args is ["conv-check", ..])
{
    ConvolutionCheck.Run();
    return;
}
if (args is ["bf16-conv", ..])
{
    Bf16ConvolutionCheck.Run();
    return;
}
var threads = args.Length > 0 ? int.Parse(args[0]) : 1;
var spec = args.Length > 1 ? args[1] : "mlp:800-800";
var batch = args.Length > 2 ? int.Parse(args[2]) : 128;
set_num_threads(threads);
// As every Distill run does before its first model (MKL's kernel choice among other settings).
Distill.Native.NativeRuntime.EnsureReady();
Console.WriteLine($"threads {get_num_threads()}, spec {spec}, batch {batch}; {Distill.Native.DistillNative.MklKernelChoice}");

(double Cpu, double Wall) Time(int repeats, Action action)
{
    action();
    var process = Process.GetCurrentProcess();
    process.Refresh();
    var cpu0 = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < repeats; i++) action();
    var wall = clock.Elapsed.TotalSeconds;
    process.Refresh();
    return ((process.TotalProcessorTime - cpu0).TotalSeconds / repeats, wall / repeats);
}

void Report(string what, double flops, (double Cpu, double Wall) t) =>
    Console.WriteLine($"{what,-34} {1000 * t.Cpu,8:F2} CPU-ms {1000 * t.Wall,8:F2} wall-ms {flops / t.Cpu / 1e9,7:F1} GFLOP/CPU-s {flops / t.Wall / 1e9,7:F1} GFLOP/s");

foreach (var type in spec.StartsWith("cnn", StringComparison.Ordinal) ? [] : new[] { ScalarType.Float32, ScalarType.BFloat16 })
{
    using var a = randn(2048, 2048).to_type(type);
    using var b = randn(2048, 2048).to_type(type);
    // bfloat16 products as the trainer runs them: with oneDNN on (Prepare may have turned it off for convolutions).
    using var oneDnn = type == ScalarType.BFloat16 ? Distill.Native.OneDnnSwitch.WhereCorrect([]) : null;
    Report($"matmul 2048 {type}", 2.0 * 2048 * 2048 * 2048, Time(10, () => { using var c = a.matmul(b); }));
}

if (args is [_, _, _, "channels-last"])
{
    // A CNN training step (forward, backward, Adam) with NCHW tensors, then with channels-last
    // strides (input and every 4-D weight stored NHWC, the layout oneDNN's convolutions prefer).
    foreach (var channelsLast in new[] { false, true, false, true })
    {
        manual_seed(1);
        var net = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 28, 28], 10);
        if (channelsLast)
            using (no_grad())
                foreach (var p in net.parameters().Where(p => p.dim() == 4))
                    p.set_(ChannelsLast(p));
        using var raw = randn(batch, 1, 28, 28);
        using var inputs = channelsLast ? ChannelsLast(raw) : raw.alias();
        using var labels = randint(0, 10, [batch], dtype: ScalarType.Int64);
        var adam = optim.Adam(net.parameters(), 1e-3);
        Report($"step with Adam, {(channelsLast ? "channels-last" : "NCHW")}", 0, Time(10, () =>
        {
            using var s = NewDisposeScope();
            adam.zero_grad();
            nn.functional.cross_entropy(net.call(inputs), labels).backward();
            adam.step();
        }));
    }
    return;
}
manual_seed(1);
if (args is [_, _, _, "precision"])
{
    // A whole training step (forward, backward, Adam) in float32 and in mixed bfloat16, any spec.
    var net = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 28, 28], 10);
    using var inputs = randn(batch, 1, 28, 28);
    using var labels = randint(0, 10, [batch], dtype: ScalarType.Int64);
    var adam = optim.Adam(net.parameters(), 1e-3);
    Distill.Native.NativeRuntime.EnsureReady();
    // As the trainer does: oneDNN on for the steps of a model it computes right on this CPU
    // (always in bfloat16, which libtorch's own kernels run ~10x slower), float32 as the CLI runs it.
    foreach (var precision in new[] { Distill.Training.Precision.Float32, Distill.Training.Precision.Bfloat16 })
        using (Distill.Native.OneDnnSwitch.WhereCorrect([net]))
        using (MixedPrecision.Use(net, precision))
            Report($"step with Adam, {precision}", 0, Time(10, () =>
            {
                using var s = NewDisposeScope();
                adam.zero_grad();
                nn.functional.cross_entropy(net.call(inputs), labels).backward();
                adam.step();
            }));
    return;
}
if (args is [_, _, _, "layers"])
{
    // Each layer of a Distill-built model alone, forward then backward (a fixed output gradient),
    // in float32 and in mixed bfloat16, with oneDNN switched as the trainer switches it.
    var net = (TorchSharp.Modules.Sequential)ModelBuilder.Build(ModelSpec.Parse(spec), [1, 28, 28], 10);
    foreach (var precision in new[] { Distill.Training.Precision.Float32, Distill.Training.Precision.Bfloat16 })
    {
        using var oneDnn = Distill.Native.OneDnnSwitch.WhereCorrect([net]);
        using var mixed = MixedPrecision.Use(net, precision);
        using var scope = NewDisposeScope();
        var input = randn(batch, 1, 28, 28);
        double forwardTotal = 0, backwardTotal = 0;
        foreach (var (name, layer) in net.named_children())
        {
            var module = (nn.Module<Tensor, Tensor>)layer;
            var x0 = input.detach().requires_grad_(name != "conv1");
            var y0 = module.call(x0);
            var g0 = randn_like(y0.to(ScalarType.Float32)).to(y0.dtype);
            var forward = Time(20, () => { using var s = NewDisposeScope(); module.call(x0); });
            var backward = Time(20, () =>
            {
                using var s = NewDisposeScope();
                var y = module.call(x0);
                y.backward([g0]);
            });
            forwardTotal += forward.Wall;
            backwardTotal += backward.Wall - forward.Wall;
            Console.WriteLine($"{precision,-9} {name,-12} {string.Join('x', y0.shape),-16} {y0.dtype,-9} forward {1000 * forward.Wall,7:F3} ms  backward {1000 * (backward.Wall - forward.Wall),7:F3} ms");
            input = y0.detach();
        }
        Console.WriteLine($"{precision,-9} all layers: forward {1000 * forwardTotal:F2} ms, backward {1000 * backwardTotal:F2} ms");
    }
    return;
}
if (spec.StartsWith("cnn", StringComparison.Ordinal))
{
    // Forward cost of a CNN with and without autograd, the paths of training vs evaluation/caching.
    var cnn = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 28, 28], 10);
    using var images = randn(batch, 1, 28, 28);
    Report("cnn forward, train mode, grad", 0, Time(3, () => { using var s = NewDisposeScope(); cnn.call(images); }));
    cnn.eval();
    Report("cnn forward, eval mode, grad", 0, Time(3, () => { using var s = NewDisposeScope(); cnn.call(images); }));
    Report("cnn forward, eval mode, no_grad", 0, Time(3, () => { using var s = NewDisposeScope(); using var g = no_grad(); cnn.call(images); }));
    cnn.train();
    Report("cnn forward, train mode, no_grad", 0, Time(3, () => { using var s = NewDisposeScope(); using var g = no_grad(); cnn.call(images); }));
    return;
}
var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 28, 28], 10);
var parameters = ModelBuilder.CountParameters(model);
using var x = randn(batch, 1, 28, 28);
using var y = randint(0, 10, [batch], dtype: ScalarType.Int64);
double stepFlops = 6.0 * parameters * batch, forwardFlops = 2.0 * parameters * batch;
Console.WriteLine($"parameters {parameters:N0}; a step is {stepFlops / 1e9:F3} GFLOP");
const int steps = 40;
Report("forward (train mode)", forwardFlops, Time(steps, () => { using var s = NewDisposeScope(); model.call(x); }));
Report("forward + backward", stepFlops, Time(steps, () =>
{
    using var s = NewDisposeScope();
    model.zero_grad();
    nn.functional.cross_entropy(model.call(x), y).backward();
}));
foreach (var (name, optimizer) in new (string, optim.Optimizer)[]
         {
             ("step with Adam", optim.Adam(model.parameters(), 1e-3, beta1: 0.9, beta2: 0.999)),
             ("step with Adam, fused kernel", new Distill.Native.FusedAdam(model.parameters(), 1e-3, 0.9, 0.999, 0)),
             ("step with SGD (momentum 0.9)", optim.SGD(model.parameters(), 1e-3, 0.9)),
         })
{
    Report(name, stepFlops, Time(steps, () =>
    {
        using var s = NewDisposeScope();
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(x), y).backward();
        optimizer.step();
    }));
    Report(name + " (optimizer only)", 0, Time(steps, () => { using var s = NewDisposeScope(); optimizer.step(); }));
}

static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
