// Your own teacher and student modules (shared/Teacher.cs, shared/Student.cs), distilled with Hinton
// KD plus FitNets hints from a named layer of the teacher into a named layer of the student. Distill
// trains the teacher, the student from scratch and the student distilled, and writes the run folder
// the command line writes: results.json, report.html, each model's weights and card. Killed, it
// continues with --resume and ends byte-identical to an uninterrupted run. Read the student with
// `distill eval runs/own-modules --assembly bin/Release/net10.0/OwnModules.dll`.
using Distill.Methods;
using Distill.Models;
using Distill.Studies;
using Distill.Training;
using Examples;

// The command line's native settings: reproducible MKL products (byte-identical resume across
// processes), MKL's kernels by CPU features, and the checked convolution path (docs/native.md).
Distill.Native.DistillNative.Prepare();
var arguments = ExampleArguments.Parse(args, "own-modules");
var training = new TrainingOptions { Epochs = arguments.Epochs, BatchSize = 64 };
return ExampleStudy.Run(() =>
    new Distiller(ModelSource.Module(() => new Teacher()), ModelSource.Module(() => new Student()))
        .With(new KdOptions { Temperature = 4 }, new FitNetsOptions { TeacherLayer = "features.relu2", StudentLayer = arguments.StudentLayer ?? "body.act2", HintWeight = 10 })
        .Fit(arguments.Data, new FitOptions { Out = arguments.Out, Resume = arguments.Resume, Teacher = training, Student = training, Observer = ConsoleProgress.Observer }));
