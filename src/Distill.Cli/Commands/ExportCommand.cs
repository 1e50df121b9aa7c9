using System.CommandLine;
using Distill.Data;
using Distill.Export;
using Distill.Runs;
using Distill.Studies;
using Distill.Models;
using Spectre.Console;

namespace Distill.Cli.Commands;

/// <summary>export: a saved model as a file other runtimes read.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("export", "Export a saved model (or a run folder's distilled student) to ONNX, for ONNX Runtime and other runtimes.");
        var model = new Argument<string>("model") { Description = "A weights file (best.bin) with its .json card, or a run folder: its distilled student, else its only model." };
        var format = new Option<string>("--format") { Description = "Output format: onnx (float; --int8 for the quantized model).", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx");
        var output = new Option<string>("--output", "-o") { Description = "The file to write, e.g. student.onnx.", Required = true };
        var int8 = new Option<bool>("--int8") { Description = "Write the int8 model instead: QDQ ONNX, per-channel int8 weights, activations calibrated on training rows (post-training static quantization), or a --qat model's own observed ranges." };
        var calibration = new Option<string>("--calibration") { Description = "With --int8: activation ranges by minmax or percentile.", DefaultValueFactory = _ => "minmax" };
        calibration.AcceptOnlyFromAmong("minmax", "percentile");
        var calibrationRows = new Option<int>("--calibration-rows") { Description = "With --int8: training rows to calibrate on.", DefaultValueFactory = _ => 1000 };
        var data = new Option<string?>("--data") { Description = "With --int8 and a weights file: the data to calibrate on, when the model's data set is not a built-in one." };
        var classBias = new Option<bool>("--class-bias") { Description = "Add the class bias recorded by `distill eval --class-bias` to the model's output layer before exporting." };
        var force = new Option<bool>("--force") { Description = "Replace the output file if it already exists (never a file the export reads)." };
        command.Add(model);
        command.Add(format);
        command.Add(output);
        command.Add(int8);
        command.Add(calibration);
        command.Add(calibrationRows);
        command.Add(data);
        command.Add(classBias);
        command.Add(force);
        var assembly = AssemblyOption.Create();
        command.Add(assembly);

        command.SetAction(parse =>
        {
            var path = ModelLocator.Resolve(parse.GetValue(model)!);
            var target = parse.GetValue(output)!;
            // Checked before anything is read or written: the weights, their card, the run's config and the calibration data are inputs.
            string?[] inputs = [path, ModelStore.CardPath(path), Path.Combine(parse.GetValue(model)!, "config.json"), parse.GetValue(data)];
            OutputFile.Check(target, parse.GetValue(force), inputs.OfType<string>());
            if (parse.GetValue(classBias) && ModelStore.ReadCard(path).ClassBias is null)
                throw new DistillException($"The model '{path}' has no recorded class bias; choose one with `distill eval {parse.GetValue(model)} --class-bias ...` first.");
            var (loaded, card) = ModelStore.Load(path, assembly: parse.GetValue(assembly));
            if (parse.GetValue(classBias))
            {
                try { ClassBiasFolding.Apply(loaded, card.ClassBias!, card.ClassCount); }
                catch { loaded.Dispose(); throw; }
            }
            if (parse.GetValue(int8) && card.QuantizationAware is { } learned)
            {
                byte[] exported;
                using (loaded) exported = OnnxExporter.Export(loaded, card);
                AtomicFile.WriteAllBytes(target, OnnxQuantizer.Quantize(exported, learned));
                context.Output.WriteLine($"Exported {path} ({card.Spec}) to {target} as int8 QDQ ONNX (activation ranges observed in its quantization-aware training, no calibration; {new FileInfo(target).Length:N0} bytes).");
                return 0;
            }
            if (parse.GetValue(int8))
            {
                var options = new QuantizationOptions
                {
                    Calibration = parse.GetValue(calibration) == "percentile" ? CalibrationMethod.Percentile : CalibrationMethod.MinMax,
                    CalibrationRows = parse.GetValue(calibrationRows),
                };
                options.Validate();
                byte[] exported;
                using (loaded) exported = OnnxExporter.Export(loaded, card);
                using var calibrationData = CalibrationData(parse.GetValue(model)!, path, card, parse.GetValue(data));
                foreach (var note in DataSchemaCheck.Check(card, "model", path, calibrationData.Info, calibrationData.Train.SampleShape))
                    context.Diagnostics.MarkupLine("[grey]" + Markup.Escape(note) + "[/]");
                AtomicFile.WriteAllBytes(target, OnnxQuantizer.Quantize(exported, calibrationData.Train.Features, options));
                context.Output.WriteLine($"Exported {path} ({card.Spec}) to {target} as int8 QDQ ONNX ({options.Calibration} calibration on {Math.Min(options.CalibrationRows, calibrationData.Train.Count)} training rows of {calibrationData.Info.Name}; {new FileInfo(target).Length:N0} bytes).");
                return 0;
            }
            using (loaded)
                OnnxExporter.Save(loaded, card, target);
            var biasNote = parse.GetValue(classBias) ? $", class bias {card.ClassBias!.Describe(card.ClassNames ?? [.. Enumerable.Range(0, card.ClassCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))])} added" : "";
            context.Output.WriteLine($"Exported {path} ({card.Spec}, input {string.Join("x", card.InputShape)}, {card.ClassCount} classes{biasNote}) to {target} (ONNX opset {OnnxExporter.Opset}).");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The training rows to calibrate on: a run folder's own data, else the model's data set (or --data),
    /// read as the model reads it (<see cref="ModelCard.Reading"/>); the caller checks that they fit.
    /// </summary>
    private static StudyData CalibrationData(string model, string path, ModelCard card, string? data)
    {
        var config = Path.Combine(model, "config.json");
        if (Directory.Exists(model) && File.Exists(config) && data is null)
        {
            var options = RunConfig.Read<StudyOptions>(config, "run configuration");
            if (options.Dataset is not null && options.StudentTraining is not null)
                return StudyData.Load(card.Reading(options.ToDataSelection(), "model", path), options.ValidationCount, options.StudentTraining.Seed);
        }
        if (data is null && !DatasetInfo.All.Any(d => string.Equals(d.Name, card.Dataset, StringComparison.OrdinalIgnoreCase)))
            throw new DistillException($"The model was trained on '{card.Dataset}', which is not a built-in data set; give --data PATH to calibrate the int8 model on.");
        return StudyData.Load(card.Reading(new DataSelection { Dataset = card.Dataset, Path = data }, "model", path), 1, card.DataSeed ?? 1);
    }
}
