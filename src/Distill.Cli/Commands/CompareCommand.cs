using System.CommandLine;
using Distill.Cli.Rendering;
using Distill.Studies;
using Distill.Teachers;

namespace Distill.Cli.Commands;

/// <summary>compare / quickstart: the whole study from one command, every part configurable by flag.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext context, string name, string description)
    {
        var defaults = new StudyOptions();
        var command = new Command(name, description);
        var run = new RunOptionSet(command, withTransfer: true);
        var teacherSpec = new Option<string>("--teacher-spec") { Description = "Teacher architecture, e.g. mlp:1200-1200,dropout=0.5 or cnn:c256s2-lrelu0.2-mp2s1-c512s2.", DefaultValueFactory = _ => defaults.TeacherSpec };
        var teacherPath = new Option<string?>("--teacher") { Description = "Use this saved teacher instead of training one: a train or compare run folder (its teacher's best.bin), a best.bin, an ONNX file (.onnx) or a TorchScript file (.pt, runs its code: trusted files only; not a state_dict). A file must answer its first batch within $DISTILL_TEACHER_TIMEOUT seconds (default 60, 0: no limit)." };
        var studentSpec = new Option<string>("--student-spec") { Description = "Student architecture, shared by the scratch and distilled students.", DefaultValueFactory = _ => defaults.StudentSpec };
        var teachers = new Option<string?>("--teachers") { Description = "An ensemble instead of one teacher: saved models (best.bin, run folders, .onnx, .pt) or specs trained here, comma-separated; repeated specs are trained with seeds seed, seed+1, ..." };
        var ensemble = new Option<EnsembleMode>("--ensemble") { Description = "How --teachers are combined: logits (mean logits), probabilities (mean probabilities at --temperature) or confidence (probabilities weighted per sample by each teacher's top probability).", DefaultValueFactory = _ => defaults.Ensemble };
        var chain = new Option<string?>("--chain") { Description = "A teacher-assistant chain, teacher first and student last, e.g. plaincnn:10,plaincnn:4,plaincnn:2: replaces --teacher-spec and --student-spec; the scratch student and direct distillation run beside it." };
        var chainMethods = new Option<string?>("--chain-methods") { Description = "The method of each chain step, comma-separated (one per arrow, e.g. kd,dkd); default: --method for every step." };
        var teacherSweep = new Option<string?>("--teacher-sweep") { Description = "A capacity sweep: more teachers (specs trained here or saved models, comma-separated), each distilled into the same student beside the main teacher; plots student against teacher accuracy (capacity.png)." };
        var earlyStop = new Option<string?>("--early-stop-epochs") { Description = "Also distil from early-stopped versions of every teacher trained here: each retrained for only these epochs (comma-separated, below --teacher-epochs)." };
        var assistants = new Option<string?>("--assistant-candidates") { Description = "Assistant sizes to choose among for a chain (comma-separated specs): each distils its own student; the one whose student is best on the validation split is reported as the choice." };
        var exclude = ExcludeClassesOption.Create();
        command.Add(exclude);
        var generations = new Option<int?>("--generations") { Description = "Born-again networks: K generations of the teacher's architecture, each distilled from the one before (the first from the teacher), trained like the teacher, and their ensemble, beside the students." };
        command.Add(generations);
        var peers = new Option<string?>("--peers") { Description = "Deep mutual learning: peers trained together from scratch (comma-separated specs, at least 2, e.g. mlp:128-32,mlp:128-32), each on its labels plus the KL to the others' predictions, with the students' training options, beside the students." };
        command.Add(peers);
        var dataFree = new DataFreeOptionSet(command);
        command.Add(assistants);
        command.Add(teacherSweep);
        command.Add(earlyStop);
        command.Add(teacherSpec);
        command.Add(teacherPath);
        command.Add(teachers);
        command.Add(ensemble);
        command.Add(chain);
        command.Add(chainMethods);
        command.Add(studentSpec);
        var teacherTraining = new TrainingOptionSet(command, "teacher-", "teacher", defaults.TeacherTraining);
        var studentTraining = new TrainingOptionSet(command, "student-", "both students", defaults.StudentTraining);
        var distillation = new DistillationOptionSet(command, defaults.Distillation);
        HelpGroups.Set(command,
            ("Distillation", distillation.Options),
            ("Data", run.DataOptions),
            ("Teacher", [teacherPath, teacherSpec, .. teacherTraining.Options]),
            ("Student", [studentSpec, exclude, .. studentTraining.Options]),
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
                HasHeader = run.Data(parse).HasHeader,
                Stream = run.Data(parse).Stream,
                Workers = run.Data(parse).Workers,
                MaxImagePixels = run.Data(parse).MaxImagePixels,
                Normalize = run.Data(parse).Normalize,
                Transfer = run.Data(parse).Transfer,
                LabeledFraction = run.Data(parse).LabeledFraction,
                ValidationCount = run.ValidationCount(parse),
                TeacherSpec = parse.GetValue(teacherSpec)!,
                TeacherPath = TeacherArgument.Resolve(context, parse.GetValue(teacherPath)),
                StudentSpec = parse.GetValue(studentSpec)!,
                ExcludeClasses = ExcludeClassesOption.Read(parse, exclude),
                TeacherTraining = teacherTraining.Read(parse, seed),
                StudentTraining = studentTraining.Read(parse, seed),
                Distillation = distillation.Read(parse),
                Teachers = parse.GetValue(teachers) is { } list ? TeacherPlan.SplitList(list) : null,
                Ensemble = parse.GetValue(ensemble),
                Chain = parse.GetValue(chain) is { } models ? TeacherPlan.SplitList(models) : null,
                ChainMethods = parse.GetValue(chainMethods)?.Split(',', StringSplitOptions.TrimEntries),
                AssistantCandidates = parse.GetValue(assistants) is { } candidates ? TeacherPlan.SplitList(candidates) : null,
                TeacherSweep = parse.GetValue(teacherSweep) is { } sweep ? TeacherPlan.SplitList(sweep) : null,
                EarlyStopEpochs = parse.GetValue(earlyStop) is { } epochs ? TeacherPlan.ParseEpochs(epochs) : null,
                Generations = parse.GetValue(generations),
                Mutual = parse.GetValue(peers) is { } peerList ? new MutualOptions { Peers = TeacherPlan.SplitList(peerList) } : null,
                Tune = distillation.Tune(parse, context),
                DataFree = dataFree.Read(parse),
            };
            if (options.TeacherPath is { } loaded)
                TeacherArgument.WarnIgnored(context, parse, loaded, [teacherSpec, .. teacherTraining.Options]);
            options.Validate();
            RunPreflight.Check(options.ToDataSelection(), options.ValidationCount, options.TeacherPath);
            foreach (var saved in TeacherPlan.SavedTeachers(options)) RunPreflight.Check(options.ToDataSelection(), options.ValidationCount, saved);
            using var folder = run.OpenFolder(given, parse, command);
            var result = folder.Run(_ => ProgressView.Run(context.Diagnostics, resumeCommand: RunOptionSet.ResumeCommand(command, folder), work: observer => new StudyPipeline(observer, resume: resume).Run(StudyPlan.Study(options), folder)));
            ResultView.Show(context, result, run.Json(parse));
            return 0;
        });
        return command;
    }
}
