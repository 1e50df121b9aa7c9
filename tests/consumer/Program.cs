// Trains a tiny distilled student with the Distill library, the way a user's program would: run once
// as it is, once with --native (DistillNative.Prepare, what the distill command line does).
using Distill.Data;
using Distill.Methods;
using Distill.Models;
using Distill.Native;
using Distill.Teachers;
using Distill.Training;
using static TorchSharp.torch;

var native = args.Contains("--native");
if (native) DistillNative.Prepare();
var before = HostSnapshot.Take();

// TorchSharp first, before any Distill type runs: its native library must load as the build left it.
var product = ones(2, 3).matmul(ones(3, 2)).sum().item<float>();
if (product != 12) return Fail($"TorchSharp computed {product} instead of 12");

var accuracy = DistillTinyStudent();
Console.WriteLine($"consumer ok{(native ? " (native settings)" : "")}: distilled student validation accuracy {accuracy:P1}");

var changes = before.ChangesSince();
if (native)
    return HostSnapshot.LibcVariable("MKL_CBWR") is null ? Fail("DistillNative.Prepare did not set MKL_CBWR") : 0;
if (changes.Count > 0) return Fail($"the library changed its host without DistillNative.Prepare: {string.Join("; ", changes)}");
if (DistillNative.Applied is not null || !DistillNative.MklKernelChoice.StartsWith("MKL's own choice", StringComparison.Ordinal))
    return Fail($"native settings applied without the call ({DistillNative.MklKernelChoice})");
Console.WriteLine("consumer ok: no environment variable, file or MKL setting of the host changed without the call");
return 0;

static float DistillTinyStudent()
{
    manual_seed(1);
    var features = rand(600, 1, 8, 8);
    var labels = features.mean([1, 2, 3]).gt(0.5).to(ScalarType.Int64) + features[.., 0, 0, 0].gt(0.5).to(ScalarType.Int64);
    var all = new LabeledDataset("consumer", features, labels, 3);
    var (train, validation) = all.SplitValidation(100, 1);
    var teacher = ModelBuilder.Build(ModelSpec.Parse("mlp:64"), train.SampleShape, 3);
    new Trainer(new TrainingOptions { Epochs = 3 }).Train("teacher", teacher, train, validation, new SupervisedObjective());
    // A student of the user's own, as in the README: any module is a student.
    var student = nn.Sequential(("flatten", nn.Flatten()), ("fc1", nn.Linear(64, 8)), ("act1", nn.ReLU()), ("classifier", nn.Linear(8, 3)));
    using var frozen = new FrozenTeacher(teacher, train.Features);
    using var objective = DistillationObjective.Create(student, frozen, new DistillationOptions { Method = "kd+rkd" }, train.SampleShape, 3, train.Count, 1, augmented: false);
    var result = new Trainer(new TrainingOptions { Epochs = 3 }).Train("student", student, train, validation, objective);
    return (float)result.History[^1].ValidationAccuracy;
}

static int Fail(string why)
{
    Console.Error.WriteLine($"consumer failed: {why}");
    return 1;
}
