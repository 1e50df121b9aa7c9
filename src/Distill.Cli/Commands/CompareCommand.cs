using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Studies;

namespace Distill.Cli.Commands;

/// <summary>compare / quickstart: the whole study from one command, every part configurable by flag.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext context, string name, string description)
    {
        var defaults = new StudyOptions();
        var command = new Command(name, description);
        var run = new RunOptionSet(command);
        var teacherSpec = new Option<string>("--teacher-spec") { Description = "Teacher architecture, e.g. mlp:1200-1200,dropout=0.5 or cnn:c256s2-lrelu0.2-mp2s1-c512s2.", DefaultValueFactory = _ => defaults.TeacherSpec };
        var teacherPath = new Option<string?>("--teacher") { Description = "Use this saved teacher instead of training one: a train or compare run folder (its teacher's best.bin), a best.bin, an ONNX file (.onnx) or a TorchScript file (.pt, runs its code: trusted files only)." };
        var studentSpec = new Option<string>("--student-spec") { Description = "Student architecture, shared by the scratch and distilled students.", DefaultValueFactory = _ => defaults.StudentSpec };
        command.Add(teacherSpec);
        command.Add(teacherPath);
        command.Add(studentSpec);
        var teacherTraining = new TrainingOptionSet(command, "teacher-", "teacher", defaults.TeacherTraining);
        var studentTraining = new TrainingOptionSet(command, "student-", "both students", defaults.StudentTraining);
        var distillation = new DistillationOptionSet(command, defaults.Distillation);
        HelpGroups.Set(command,
            ("Distillation", distillation.Options),
            ("Data", run.DataOptions),
            ("Teacher", [teacherPath, teacherSpec, .. teacherTraining.Options]),
            ("Student", [studentSpec, .. studentTraining.Options]),
            ("Output and runs", run.RunOptions));

        command.SetAction(given =>
        {
            var parse = run.Resolve(command, given);
            var resume = run.ResumeFolder(given) is not null;
            var seed = run.Seed(parse);
            var options = new StudyOptions
            {
                Dataset = run.Data(parse).Dataset,
                Data = run.Data(parse).Path,
                Format = run.Data(parse).Format,
                ImageSize = run.Data(parse).ImageSize,
                Channels = run.Data(parse).Channels,
                LabelColumn = run.Data(parse).LabelColumn,
                ValidationCount = run.ValidationCount(parse),
                TeacherSpec = parse.GetValue(teacherSpec)!,
                TeacherPath = TeacherArgument.Resolve(context, parse.GetValue(teacherPath)),
                StudentSpec = parse.GetValue(studentSpec)!,
                TeacherTraining = teacherTraining.Read(parse, seed),
                StudentTraining = studentTraining.Read(parse, seed),
                Distillation = distillation.Read(parse),
                Tune = distillation.Tune(parse, context),
            };
            if (options.TeacherPath is { } loaded)
                TeacherArgument.WarnIgnored(context, parse, loaded, [teacherSpec, .. teacherTraining.Options]);
            options.Validate();
            RunPreflight.Check(options.ToDataSelection(), options.ValidationCount, options.TeacherPath);
            using var folder = run.OpenFolder(given, parse, command);
            var result = folder.Run(_ => ProgressView.Run(context.Diagnostics, resumeCommand: RunOptionSet.ResumeCommand(command, folder), work: observer => new DistillationStudy(options, observer, resume: resume).Run(folder)));
            ResultView.Show(context, result, run.Json(parse));
            return 0;
        });
        return command;
    }
}
