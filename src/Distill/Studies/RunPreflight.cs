using Distill.Data;
using Distill.Data.Sources;
using Distill.Models;

namespace Distill.Studies;

/// <summary>
/// The cheap checks of a run's inputs made before its folder is created: the data path and its
/// format, the size of the validation split against the training rows an IDX or CIFAR header
/// states, and the teacher file's card against a known data set's classes. A refusal here leaves
/// nothing on disk; what only loading can find is caught later, and the run folder is then
/// removed (<see cref="Runs.RunFolder.Run{T}"/>).
/// </summary>
public static class RunPreflight
{
    public static void Check(string dataset, string? dataDirectory, int? validationCount, string? teacherPath = null) =>
        Check(new DataSelection { Dataset = dataset, Path = dataDirectory }, validationCount, teacherPath);

    /// <param name="validationOption">How the user set the validation split (a flag, an experiment file's key), which a refusal names.</param>
    /// <param name="testOnly">The run reads the data's test part alone (<see cref="StudyPlan.ReadsTestOnly"/>): no training rows to split.</param>
    public static void Check(DataSelection selection, int? validationCount, string? teacherPath = null, string validationOption = "--validation", bool testOnly = false)
    {
        selection.Validate();
        var known = DatasetInfo.All.FirstOrDefault(d => string.Equals(d.Name, selection.Dataset, StringComparison.OrdinalIgnoreCase));
        var format = DataFormat.Idx;
        if (selection.Path is { } path)
        {
            if (!Directory.Exists(path) && !File.Exists(path))
                throw new DistillException($"Data path '{path}' does not exist; pass another --data, or leave it out to fetch {selection.Dataset}.");
            format = selection.Format is { } forced ? DataFormats.Parse(forced) : DataSources.Detect(path);
            if (!testOnly && TrainingRows(path, format) is { } rows) ValidationSplit.Rows(validationCount, rows, validationOption);
        }
        if (teacherPath is null) return;
        // An imported teacher declares its shapes in its own format; loading it checks them.
        if (Teachers.ImportedTeacher.IsImported(teacherPath))
        {
            if (!File.Exists(teacherPath)) throw Export.ModelLocator.Missing("teacher", teacherPath);
            return;
        }
        if (format != DataFormat.Idx || known is null) return;
        var card = ModelStore.ReadCard(teacherPath);
        if (card.ClassCount != known.ClassCount)
            throw new DistillException($"The teacher '{teacherPath}' predicts {card.ClassCount} classes but {known.Name} has {known.ClassCount}.");
    }

    /// <summary>The training rows of a source the validation split is carved from, or null for sources that split themselves.</summary>
    private static long? TrainingRows(string path, DataFormat format) => format switch
    {
        DataFormat.Idx => IdxReader.ReadImageCount(IdxDatasetLoader.Locate(path, DatasetInfo.TrainImages)),
        DataFormat.Cifar => CifarSource.TrainingRecords(path),
        _ => null,
    };
}
