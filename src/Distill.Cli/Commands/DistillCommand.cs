using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Methods;
using Distill.Reports;
using Distill.Studies;
using Distill.Training;

namespace Distill.Cli.Commands;

/// <summary>distill: train a student from a saved teacher.</summary>
internal static class DistillCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("distill", "Distill a student from a saved teacher (a train run's folder or its best.bin).");
        var run = new RunOptionSet(command, withTransfer: true);
        var teacher = new Option<string>("--teacher") { Description = "The teacher: a train or compare run folder (its teacher's best.bin), a Distill weights file (its .json card beside it), an ONNX file (.onnx) or a TorchScript file (.pt, runs its code: trusted files only; not a state_dict). A file must answer its first batch within $DISTILL_TEACHER_TIMEOUT seconds (default 60, 0: no limit)." };
        var student = new Option<string>("--student-spec", "-s") { Description = "Student architecture, e.g. mlp:64-16." };
        command.Add(teacher);
        command.Add(student);
        run.RequireUnlessResuming(command, teacher, student);
        var training = new TrainingOptionSet(command, "", "the student", new TrainingOptions());
        var distillation = new DistillationOptionSet(command, new DistillationOptions());

        command.SetAction(given =>
        {
            var parse = run.Resolve(command, given);
            var resume = run.ResumeFolder(given) is not null;
            var options = training.Read(parse, run.Seed(parse));
            var method = distillation.Read(parse);
            var tune = distillation.Tune(parse, context);
            if (tune is not null && method.Method != "kd")
                throw new DistillException($"--tune searches kd's temperature and weights, so it needs --method kd, not '{method.Method}'.");
            Models.ModelSpec.Parse(parse.GetValue(student)!);
            var teacherPath = TeacherArgument.Resolve(context, parse.GetValue(teacher))!;
            RunPreflight.Check(run.Data(parse), run.ValidationCount(parse), teacherPath);
            using var folder = run.OpenFolder(given, parse, command);
            // The study's options, as compare and quickstart keep them: deploy, prune and report read them back.
            var selection = run.Data(parse);
            var studyOptions = new StudyOptions
            {
                Dataset = selection.Dataset, Data = selection.Path, Format = selection.Format, ImageSize = selection.ImageSize,
                Channels = selection.Channels, LabelColumn = selection.LabelColumn, HasHeader = selection.HasHeader, MaxImagePixels = selection.MaxImagePixels,
                Transfer = selection.Transfer, LabeledFraction = selection.LabeledFraction, ValidationCount = run.ValidationCount(parse),
                TeacherPath = Path.GetFullPath(teacherPath), StudentSpec = parse.GetValue(student)!,
                StudentTraining = options, Distillation = method, Tune = tune,
            };
            Runs.AtomicFile.WriteAllText(folder.File("config.json"), Runs.Json.Serialize(studyOptions));
            var result = folder.Run(_ => ProgressView.Run(context.Diagnostics, resumeCommand: RunOptionSet.ResumeCommand(command, folder), work: observer =>
            {
                using var data = StudyData.Load(TeacherPlan.DataSelection(studyOptions, selection), run.ValidationCount(parse), options.Seed, observer.Messages);
                using var runner = new StudyRunner(data, folder, observer, resume: resume);
                var outcomes = runner.Run(
                [
                    StudyRole.Loaded(ModelRole.Teacher, "teacher", teacherPath),
                    StudyRole.Distilled("distilled", parse.GetValue(student)!, options, "teacher", method) with { Tune = tune },
                ]);
                var study = new StudyResult(folder.Path, data.Info.Name, data.Test.Count, outcomes, DateTimeOffset.Now) { ClassNames = data.Info.ClassNames, ValidationCount = data.Validation.Count };
                StudyReport.Write(study, folder);
                return study;
            }));
            ResultView.Show(context, result, run.Json(parse));
            return 0;
        });
        return command;
    }
}
