using Distill.Data;
using Distill.Models;

namespace Distill.Studies;

/// <summary>
/// The cheap checks of a run's inputs made before its folder is created: the data folder, the size
/// of the validation split against the training rows its header states, and the teacher file's
/// card against the data set's classes. A refusal here leaves nothing on disk; what only loading
/// can find is caught later, and the run folder is then removed (<see cref="Runs.RunFolder.Run{T}"/>).
/// </summary>
public static class RunPreflight
{
    /// <param name="dataDirectory">Null when the data comes from the cache (fetched first, so not checked here).</param>
    public static void Check(string dataset, string? dataDirectory, int validationCount, string? teacherPath = null)
    {
        var info = DatasetInfo.Find(dataset);
        if (dataDirectory is not null)
        {
            if (!Directory.Exists(dataDirectory))
                throw new DistillException($"Data folder '{dataDirectory}' does not exist; run 'distill data fetch {info.Name}' or pass another --data-dir.");
            var rows = IdxReader.ReadImageCount(IdxDatasetLoader.Locate(dataDirectory, DatasetInfo.TrainImages));
            if (validationCount <= 0 || validationCount >= rows)
                throw new DistillException($"The validation split must hold between 1 and {rows - 1} of the {rows} training rows, not {validationCount}.");
        }
        if (teacherPath is null) return;
        // An imported teacher declares its shapes in its own format; loading it checks them.
        if (Teachers.ImportedTeacher.IsImported(teacherPath))
        {
            if (!File.Exists(teacherPath)) throw new DistillException($"Teacher file '{teacherPath}' does not exist.");
            return;
        }
        var card = ModelStore.ReadCard(teacherPath);
        if (card.ClassCount != info.ClassCount)
            throw new DistillException($"The teacher '{teacherPath}' predicts {card.ClassCount} classes but {info.Name} has {info.ClassCount}.");
    }
}
