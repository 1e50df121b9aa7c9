using Distill.Training;

namespace Distill.Runs;

/// <summary>
/// The per-epoch history of a run as JSON lines (metrics.jsonl), rewritten atomically after
/// every epoch so a crash leaves the epochs done so far and never a half-written line.
/// </summary>
public sealed class MetricsLog
{
    private readonly string _path;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();

    public MetricsLog(string path) => _path = path;

    public void Append(EpochRecord record)
    {
        lock (_gate)
        {
            _lines.Add(Json.Serialize(record, indented: false));
            AtomicFile.WriteAllText(_path, string.Join('\n', _lines) + "\n");
        }
    }

    public static IReadOnlyList<EpochRecord> Read(string path)
    {
        if (!System.IO.File.Exists(path)) throw new DistillException($"Metrics file '{path}' does not exist.");
        var records = new List<EpochRecord>();
        var lineNumber = 0;
        foreach (var line in System.IO.File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            try
            {
                records.Add(System.Text.Json.JsonSerializer.Deserialize<EpochRecord>(line, Json.Options)
                            ?? throw new DistillException($"Metrics file '{path}' has an empty record on line {lineNumber}."));
            }
            catch (System.Text.Json.JsonException)
            {
                throw new DistillException($"Metrics file '{path}' has an invalid record on line {lineNumber}.");
            }
        }
        return records;
    }
}
