using System.Globalization;
using System.Text;
using CsvHelper;
using static TorchSharp.torch;

namespace Distill.Data.Sources;

/// <summary>
/// A CSV transfer set: the training table's feature columns, found by name in a header row (the label
/// column and any other column are ignored), or, in a table without a header, by position: the
/// feature columns alone, or with the label column where the training table had it.
/// </summary>
public static class TransferTable
{
    public static LabeledDataset Read(string path, IReadOnlyList<string> columns, string labelColumn, bool hasHeader, int classCount, string name)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = hasHeader, TrimWhitespace = true, TrackLineNumbers = true, SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw, FormatProvider = CultureInfo.InvariantCulture,
        };
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            var pending = !hasHeader && csv.Read();
            if (hasHeader) csv.ReadHeader();
            var header = hasHeader ? csv.Headers.ToArray() : Enumerable.Range(1, pending ? csv.FieldCount : 0).Select(i => $"c{i}").ToArray();
            var positions = hasHeader ? ByName(path, header, columns) : ByPosition(path, header.Length, columns, labelColumn);
            var values = new List<float>();
            var count = 0;
            while (pending || csv.Read())
            {
                pending = false;
                if (csv.FieldCount != header.Length)
                    throw new DataFormatException($"The transfer table '{path}' line {csv.LineNumber} has {csv.FieldCount} fields but the {(hasHeader ? "header" : "first row")} has {header.Length}.");
                foreach (var position in positions)
                {
                    var cell = csv.GetString(position);
                    if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                        throw new DataFormatException($"The transfer table '{path}' line {csv.LineNumber}, column '{header[position]}': '{cell}' is not a finite number.");
                    values.Add(value);
                }
                count++;
            }
            return new LabeledDataset(name, tensor(values.ToArray(), [count, columns.Count]), full(count, LabeledDataset.Unlabeled, ScalarType.Int64), classCount);
        }
        catch (CsvFormatException e)
        {
            throw new DataFormatException($"The transfer table '{path}' cannot be read at line {e.LineNumber}: {e.Message.Split('\n')[0].TrimEnd('.')}.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            throw new DataFormatException($"The transfer table '{path}' cannot be read: {e.Message.Split('\n')[0].TrimEnd('.')}.");
        }
    }

    private static int[] ByName(string path, string[] header, IReadOnlyList<string> columns)
    {
        var positions = columns.Select(c => Array.FindIndex(header, h => string.Equals(h, c, StringComparison.Ordinal))).ToArray();
        var missing = columns.Where((_, i) => positions[i] < 0).Take(3).ToList();
        if (missing.Count > 0)
            throw new DistillException($"The transfer table '{path}' lacks the training table's column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
        return positions;
    }

    private static int[] ByPosition(string path, int fields, IReadOnlyList<string> columns, string labelColumn)
    {
        if (fields == columns.Count) return Enumerable.Range(0, fields).ToArray();
        var labelAt = int.TryParse(labelColumn.TrimStart('c'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n - 1 : fields - 1;
        if (fields == columns.Count + 1) return Enumerable.Range(0, fields).Where(i => i != labelAt).ToArray();
        throw new DistillException(
            $"The transfer table '{path}' has {fields} columns but the training table has {columns.Count} feature columns; give those, with or without the label column.");
    }
}
