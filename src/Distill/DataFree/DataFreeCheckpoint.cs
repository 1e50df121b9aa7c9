using Distill.Runs;
using Distill.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DataFree;

/// <summary>
/// A data-free run's state in the student's folder, <see cref="TrainingCheckpoint"/>'s file: the student, its
/// optimizer, the generator and the generator's optimizer (dafl) or the impressions made so far (zskd,
/// deepinversion), the random generator and the epochs done. Saved after every epoch and every batch of
/// impressions (epoch 0), so a killed run resumes where it stopped and ends as an uninterrupted one would. The
/// last epoch is the one kept, so the "best" weights it holds are the student's own.
/// </summary>
internal sealed class DataFreeCheckpoint(string? folder, DataFreeOptions options, TrainingOptions training, bool resume)
{
    private readonly string? _path = folder is null ? null : Path.Combine(folder, TrainingCheckpoint.FileName);

    /// <summary>Both option sets: a resume with other options is refused.</summary>
    private readonly string _fingerprint = Json.Serialize(new { training, dataFree = options }, indented: false);

    private static readonly Dictionary<string, Generator> NoGenerators = [];

    public void Save(int epoch, IReadOnlyList<EpochRecord> history, nn.Module student, nn.Module companion, IReadOnlyList<optim.Optimizer> optimizers)
    {
        if (_path is null) return;
        TrainingCheckpoint.Save(_path, _fingerprint, epoch, epoch, 0, history, student, companion, student.state_dict(), optimizers, NoGenerators);
    }

    /// <summary>
    /// Puts the saved state back into the modules, the optimizers (their parameters in turn in
    /// <paramref name="trainable"/>) and the global random generator; returns the epochs done, or null to start afresh.
    /// </summary>
    public IReadOnlyList<EpochRecord>? Restore(nn.Module student, nn.Module companion, IReadOnlyList<optim.Optimizer> optimizers, IReadOnlyList<Parameter> trainable)
    {
        if (!resume || _path is null || !File.Exists(_path)) return null;
        var (checkpoint, best) = TrainingCheckpoint.Restore(_path, _fingerprint, training.Epochs, student, companion, optimizers, trainable, NoGenerators, firstEpoch: 0);
        foreach (var tensor in best.Values) tensor.Dispose();
        return checkpoint.History;
    }
}
