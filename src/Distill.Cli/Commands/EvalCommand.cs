using System.CommandLine;
using System.Globalization;
using Distill.Data;
using Distill.Evaluation;
using Distill.Models;
using Distill.Reports;
using Distill.Runs;
using Distill.Teachers;
using Spectre.Console;
using static TorchSharp.torch;

namespace Distill.Cli.Commands;

/// <summary>eval: a saved model on a data set's test split.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("eval", "Evaluate a saved model on the test split: accuracy, errors, parameters, size, latency.");
        var model = new Argument<string>("model") { Description = "A run folder (its distilled student, else its only model), a weights file (best.bin or last.bin) with its .json card beside it, or an ONNX (.onnx) or TorchScript (.pt) file with --dataset or --data (which must answer its first batch within $DISTILL_TEACHER_TIMEOUT seconds, default 60)." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var classBias = new Option<string?>("--class-bias")
        {
            Description = "Add a bias to class logits and show per-class accuracy before and after: CLASS=VALUE pairs (names or label numbers, e.g. 3=+3.5), or auto (the mean predicted probability of each class on the validation split matches its share of the training labels). A Distill model records it in its card and folder (class-bias.md), for `export --class-bias`.",
            HelpName = "CLASS=VALUE,...|auto",
        };
        var validation = new Option<int?>("--validation") { Description = "With --class-bias auto: the validation rows held out of the training data, as the model's run held them (default: the run's config.json, else " + Studies.ValidationSplit.DefaultText + ")." };
        var assembly = AssemblyOption.Create();
        var spec = new Option<string?>("--model", "-m") { Description = "Instead of a saved model: an architecture (e.g. torchvision:resnet18) to build for the data and fill from --weights." };
        var weights = new Option<string?>("--weights") { Description = "With --model: a PyTorch state_dict (.pt/.pth) or .safetensors file, loaded strictly by parameter name (no code in it runs)." };
        model.Arity = ArgumentArity.ZeroOrOne;
        command.Add(model);
        command.Add(spec);
        command.Add(weights);
        var data = new DataOptionSet(command, defaultDataset: null);
        command.Add(json);
        command.Add(classBias);
        command.Add(validation);
        command.Add(assembly);

        command.SetAction(parse =>
        {
            if (parse.GetValue(spec) is { } architecture)
            {
                if (parse.GetValue(classBias) is not null) throw new DistillException("--class-bias needs a saved model (a run folder or a weights file), not --model with --weights.");
                return EvaluateWeights(context, architecture, parse.GetValue(weights), parse.GetValue(model), data.Read(parse), parse.GetValue(json));
            }
            if (parse.GetValue(weights) is not null) throw new DistillException("--weights needs --model SPEC, the architecture to load the weights into.");
            var given = parse.GetValue(model) ?? throw new DistillException("Name the model to evaluate: a run folder or a weights file, or --model SPEC with --weights FILE.");
            var imported = ImportedTeacher.IsImported(given);
            if (imported && !File.Exists(given)) throw Export.ModelLocator.Missing("model", given);
            var path = imported ? given : Export.ModelLocator.Resolve(given);
            if (path != given) context.Diagnostics.MarkupLine("[grey]" + Markup.Escape($"Evaluating {path} (from the run folder '{given}').") + "[/]");
            if (imported && data.Dataset(parse) is null && data.Path(parse) is null)
                throw new DistillException($"'{path}' names no data set of its own; pass --data PATH or --dataset NAME.");
            var card = imported ? null : ModelStore.ReadCard(path);
            var selection = card is null ? data.Read(parse) : card.Reading(data.Read(parse, card.Dataset), "model", path);
            if (selection.Path is null && !DatasetInfo.All.Any(d => string.Equals(d.Name, selection.Dataset, StringComparison.OrdinalIgnoreCase)))
                throw new DistillException($"The model '{path}' was trained on {selection.Dataset}, which Distill cannot fetch; pass its data with --data PATH.");
            var where = selection.Resolve();
            using var evaluated = DataSources.Load(selection.ToRequest(where, card?.DataSeed ?? 1, card?.Normalization));
            var test = evaluated.Test;
            var info = evaluated.Info;
            nn.Module<Tensor, Tensor> loaded;
            if (card is null)
            {
                var teacher = ImportedTeacher.Load(path, info.Name, info.ClassCount, test.SampleShape);
                (loaded, card) = (teacher, teacher.Card(info.Name, info.ClassCount, test.SampleShape));
            }
            else
            {
                foreach (var note in DataSchemaCheck.Check(card, "model", path, info, test.SampleShape))
                    context.Diagnostics.MarkupLine("[grey]" + Markup.Escape(note) + "[/]");
                loaded = ModelStore.Load(path, assembly: parse.GetValue(assembly)).Model;
            }
            using (loaded)
            {
                var bias = parse.GetValue(classBias) is { } text ? ChooseBias(text, loaded, evaluated, given, card, parse.GetValue(validation)) : null;
                Report(context, loaded, path, card.Spec, card.Parameters, info, test, parse.GetValue(json), bias,
                    corrected => { if (!imported) Record(context, path, card, corrected, info.ClassNames); });
            }
            return 0;
        });
        return command;
    }

    /// <summary>eval -m SPEC --weights FILE: a PyTorch checkpoint checked on the data with no run folder.</summary>
    private static int EvaluateWeights(CliContext context, string architecture, string? weights, string? stray, DataSelection selection, bool json)
    {
        if (stray is not null) throw new DistillException($"Give either a saved model ('{stray}') or --model with --weights, not both.");
        if (weights is null) throw new DistillException($"--model {architecture} needs --weights FILE, the state_dict or .safetensors file to evaluate.");
        var parsed = ModelSpec.Parse(architecture);
        if (!File.Exists(weights)) throw new DistillException($"The weights file '{weights}' does not exist.");
        if (selection.Path is null && !DatasetInfo.All.Any(d => string.Equals(d.Name, selection.Dataset, StringComparison.OrdinalIgnoreCase)))
            throw new DistillException($"Distill cannot fetch {selection.Dataset}; pass the data with --data PATH.");
        using var evaluated = DataSources.Load(selection.ToRequest(selection.Resolve(), 1));
        using var built = ModelBuilder.Build(parsed, evaluated.Test.SampleShape, evaluated.Info.ClassCount);
        var loaded = Models.Weights.PretrainedWeights.Load(built, parsed, weights, newHead: false);
        context.Diagnostics.MarkupLine("[grey]" + Markup.Escape(loaded.Describe()) + "[/]");
        Report(context, built, weights, architecture, ModelBuilder.CountParameters(built), evaluated.Info, evaluated.Test, json);
        return 0;
    }

    /// <summary>
    /// Evaluates <paramref name="model"/> on the test split and prints it (a table, or JSON); with a
    /// bias, its results before and after too, handed to <paramref name="record"/> before printing.
    /// </summary>
    private static void Report(CliContext context, nn.Module<Tensor, Tensor> model, string path, string spec, long parameters, DataDescription info,
        LabeledDataset test, bool json, ClassBias? bias = null, Action<ClassBiasReport>? record = null)
    {
        var (result, predictions) = Evaluator.EvaluateWithPredictions(model, test);
        var latency = LatencyMeter.MedianMilliseconds(model, test.SampleShape);
        var corrected = bias is null ? null : ClassBiasReport.Of(bias, predictions, info.ClassNames);
        var report = new EvalReport(path, spec, info.Name, parameters, new FileInfo(path).Length,
            result.Count, result.Accuracy, result.Errors, result.Loss, latency, result.ConfusionMatrix, ClassRecall.Of(predictions, info.ClassNames), corrected);
        if (corrected is not null) record?.Invoke(corrected);
        if (json) context.RawOutput.WriteLine(Json.Serialize(report));
        else Show(context.Output, report, info.ClassNames);
    }

    /// <summary>
    /// The bias --class-bias asks for. Auto reads the model's validation split: the rows its run held out
    /// of the training data (the run's seed and count, from config.json beside a run folder, else the card's
    /// data seed and --validation), and matches the shares of the training rows' labels.
    /// </summary>
    private static ClassBias ChooseBias(string text, nn.Module<Tensor, Tensor> model, LoadedData data, string given, ModelCard card, int? validationCount)
    {
        if (!string.Equals(text.Trim(), ClassBias.AutoText, StringComparison.OrdinalIgnoreCase)) return ClassBias.Parse(text, data.Info.ClassNames);
        var config = Path.Combine(given, "config.json");
        var run = Directory.Exists(given) && File.Exists(config) ? RunConfig.Read<Studies.StudyOptions>(config, "run configuration") : null;
        var seed = run?.StudentTraining?.Seed ?? card.DataSeed ?? 1;
        if (data.Validation is { } own) return Auto(model, own, data.Train, data.Info.ClassNames);
        var rows = Studies.ValidationSplit.Rows(validationCount ?? run?.ValidationCount, data.Train.Count);
        var (train, held) = data.Train.SplitValidation(rows, seed);
        using (train)
        using (held)
            return Auto(model, held, train, data.Info.ClassNames);
    }

    private static ClassBias Auto(nn.Module<Tensor, Tensor> model, LabeledDataset validation, LabeledDataset train, IReadOnlyList<string> classNames)
    {
        var (_, predictions) = Evaluator.EvaluateWithPredictions(model, validation);
        return ClassBias.Auto(predictions.Logits, ClassBias.Frequencies(train.Labels, classNames.Count), classNames);
    }

    /// <summary>A Distill model keeps the bias in its card (for export) and the before/after table in its folder (for the run's report).</summary>
    private static void Record(CliContext context, string path, ModelCard card, ClassBiasReport corrected, IReadOnlyList<string> classNames)
    {
        AtomicFile.WriteAllText(ModelStore.CardPath(path), Json.Serialize(card with { ClassBias = corrected.Bias }));
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        corrected.Write(folder, path, classNames);
        context.Diagnostics.MarkupLine("[grey]" + Markup.Escape($"Recorded the class bias in {ModelStore.CardPath(path)} and {Path.Combine(folder, ClassBiasReport.MarkdownFile)}; `distill report` adds it to the run's report.") + "[/]");
    }

    private static void Show(IAnsiConsole console, EvalReport r, IReadOnlyList<string> classNames)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name), new Text(value));
        Row("Model", $"{r.Model} ({r.Spec})");
        Row("Data", $"{r.Dataset} test, {r.Count:N0} examples");
        Row("Accuracy", (r.Accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%");
        Row("Errors", r.Errors.ToString(CultureInfo.InvariantCulture));
        Row("Loss", r.Loss.ToString("F4", CultureInfo.InvariantCulture));
        Row("Parameters", r.Parameters.ToString("N0", CultureInfo.InvariantCulture));
        Row("Size", ExperimentTables.FormatBytes(r.SizeBytes));
        Row("Latency / sample", r.LatencyMilliseconds.ToString("F3", CultureInfo.InvariantCulture) + " ms");
        console.Write(grid);
        if (r.ClassBias is not { } corrected) return;
        console.WriteLine($"Class bias ({corrected.Bias.Source}): {corrected.Bias.Describe(classNames)}");
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in ClassBiasReport.Headers) table.AddColumn(new TableColumn(Markup.Escape(header)));
        foreach (var row in corrected.Rows(classNames)) table.AddRow(row.Select(c => new Text(c)).ToArray());
        console.Write(table);
    }

    /// <param name="PerClassRecall">Each class's test accuracy (recall), without any bias.</param>
    /// <param name="ClassBias">With --class-bias: the bias and the results before and after it.</param>
    private sealed record EvalReport(
        string Model, string Spec, string Dataset, long Parameters, long SizeBytes, long Count,
        double Accuracy, long Errors, double Loss, double LatencyMilliseconds, long[][] ConfusionMatrix,
        IReadOnlyList<ClassRecall> PerClassRecall, ClassBiasReport? ClassBias);
}
