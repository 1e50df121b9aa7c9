// A distillation method of your own (TotalVariation.cs, with its options record), registered at the start
// of the program and then used like Distill's own: here with Hinton KD, between two models given as
// spec strings, into the same run folder and report as any study.
using Distill.Methods;
using Distill.Studies;
using Distill.Training;
using Examples;

MethodRegistry.Register<TotalVariation>();
// The command line's native settings: reproducible MKL products (byte-identical resume across
// processes), MKL's kernels by CPU features, and the checked convolution path (docs/native.md).
Distill.Native.DistillNative.Prepare();
var arguments = ExampleArguments.Parse(args, "own-method");
var training = new TrainingOptions { Epochs = arguments.Epochs, BatchSize = 64 };
return ExampleStudy.Run(() =>
    new Distiller("mlp:256", "mlp:32")
        .With(new KdOptions { Temperature = 4, SoftTargetWeight = 0.45 }, new TotalVariationOptions { Temperature = 4, TotalVariationWeight = 1 })
        .Fit(arguments.Data, new FitOptions { Out = arguments.Out, Resume = arguments.Resume, Teacher = training, Student = training, Observer = ConsoleProgress.Observer }));
