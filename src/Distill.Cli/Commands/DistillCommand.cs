using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Methods;
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
        var exclude = ExcludeClassesOption.Create();
        command.Add(exclude);
        run.RequireUnlessResuming(command, teacher, student);
        var training = new TrainingOptionSet(command, "", "the student", new TrainingOptions());
        var distillation = new DistillationOptionSet(command, new DistillationOptions());
        var dataFree = new DataFreeOptionSet(command);

        command.SetAction(given =>
        {
            var parse = run.Resolve(command, given);
            var resume = run.ResumeFolder(given) is not null;
            var options = training.Read(parse, run.Seed(parse));
            var method = distillation.Read(parse);
            var tune = distillation.Tune(parse, context);
            var excluded = ExcludeClassesOption.Read(parse, exclude);
            var free = dataFree.Read(parse);
            if (free is not null && (tune is not null || excluded is not null || run.Data(parse).Transfer is not null || run.Data(parse).LabeledFraction is not null))
                throw new DistillException("A data-free student reads no training row, so --data-free cannot be combined with --tune, --exclude-classes, --transfer or --labeled-fraction.");
            if (free is not null && run.ValidationCount(parse) is { } rows)
                throw new DistillException($"A data-free student reads no validation row (its last epoch is the one kept), so --validation {rows} cannot apply; leave it out.");
            if (tune is not null && method.Method != "kd")
                throw new DistillException($"--tune searches kd's temperature and weights, so it needs --method kd, not '{method.Method}'.");
            Models.ModelSpec.Parse(parse.GetValue(student)!);
            var teacherPath = TeacherArgument.Resolve(context, parse.GetValue(teacher))!;
            if (free is not null)
            {
                DataFreePlan.RefuseOnnx(teacherPath);
                DataFreePlan.RefuseUnused(options);
                DataFreePlan.RefuseOtherStandardisation(Path.GetFullPath(teacherPath), run.Data(parse).Normalize);
            }
            RunPreflight.Check(run.Data(parse), run.ValidationCount(parse), teacherPath, testOnly: free is not null);
            using var folder = run.OpenFolder(given, parse, command);
            var selection = run.Data(parse);
            var studyOptions = new StudyOptions
            {
                Dataset = selection.Dataset, Data = selection.Path, Format = selection.Format, ImageSize = selection.ImageSize,
                Channels = selection.Channels, LabelColumn = selection.LabelColumn, HasHeader = selection.HasHeader, MaxImagePixels = selection.MaxImagePixels, Normalize = selection.Normalize,
                Transfer = selection.Transfer, LabeledFraction = selection.LabeledFraction, ValidationCount = run.ValidationCount(parse),
                TeacherPath = Path.GetFullPath(teacherPath), StudentSpec = parse.GetValue(student)!, ExcludeClasses = excluded,
                StudentTraining = options, Distillation = method, Tune = tune, DataFree = free,
            };
            var studentRole = free is null
                ? StudyRole.Distilled("distilled", parse.GetValue(student)!, options, TeacherPlan.TeacherFolder, method) with { Tune = tune, ExcludeClasses = studyOptions.ExcludeClasses }
                : DataFreePlan.Role("distilled", parse.GetValue(student)!, options, TeacherPlan.TeacherFolder, free);
            // The study's options, kept as config.json as compare and quickstart keep theirs: deploy, prune and report read them back.
            var plan = new StudyPlan(TeacherPlan.DataSelection(studyOptions, selection), run.ValidationCount(parse), options.Seed,
            [
                StudyRole.Loaded(ModelRole.Teacher, TeacherPlan.TeacherFolder, teacherPath),
                studentRole,
            ]) { Config = Runs.Json.Serialize(studyOptions), Name = free is null ? "Distillation run" : "Data-free distillation run", Command = "distill distill (its flags are in command-line.json)" };
            var result = folder.Run(_ => ProgressView.Run(context.Diagnostics, resumeCommand: RunOptionSet.ResumeCommand(command, folder),
                work: observer => new StudyPipeline(observer, resume: resume).Run(plan, folder)));
            ResultView.Show(context, result, run.Json(parse));
            return 0;
        });
        return command;
    }
}
