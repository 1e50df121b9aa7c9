using System.Globalization;
using CsvHelper;
using System.Text;
using static TorchSharp.torch;

namespace Distill.Data.Sources;

/// <summary>
/// A CSV table with a header row: the label column (by name) gives the class, every other column
/// must be numeric, and no two columns share a name. A table without a header row
/// (<see cref="DataRequest.HasHeader"/> false) has its columns named c1..cN, the label the last
/// unless the request names another, as cN or N. Classes are the distinct labels, in numeric order
/// when all are integers, else in ordinal order; two labels that are one number written two ways
/// ('1' and '01') are refused. The rows are split by seeded, stratified ratios; read for its test part
/// alone (<see cref="DataRequest.TestOnly"/>), every row is test data, unless a model learnt from this
/// table's split (<see cref="DataRequest.HeldOutFrom"/>): then only that split's test share.
/// </summary>
public sealed class CsvSource : IDataSource
{
    // Far above any table a CPU trains on in memory, far below a read that hurts.
    private const long MaxFileBytes = 1L << 31;

    public DataFormat Format => DataFormat.Csv;

    public bool Recognises(string path) => File.Exists(path);

    public SourceData Read(DataRequest request)
    {
        var path = request.Path;
        if (!File.Exists(path)) throw new DistillException($"CSV file '{path}' does not exist.");
        if (new FileInfo(path).Length > MaxFileBytes)
            throw new DataFormatException($"CSV file '{path}' is larger than Distill will read ({new FileInfo(path).Length:N0} bytes).");
        var (columns, labelColumn, labels, rows) = ReadTable(path, request.LabelColumn, request.HasHeader);
        var classes = Classes(labels);
        CheckSpellings(path, labelColumn, classes);
        if (classes.Count < 2)
            throw new DataFormatException(
                $"CSV file '{path}' has {classes.Count} distinct value{(classes.Count == 1 ? "" : "s")} in column '{labelColumn}'; a classifier needs at least 2 classes.");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var classOf = labels.Select(l => index[l]).ToList();
        var name = Path.GetFileNameWithoutExtension(path);
        // Read for its test part alone, every row is test data, unless a model learnt from this table's split: then its test share.
        var heldOut = request.TestOnly && request.HeldOutFrom is { } from && from.Name == name ? from.Seed : (int?)null;
        var assigned = request.TestOnly && heldOut is null ? Enumerable.Repeat(2, rows.Count).ToArray() : request.Ratios.Assign(classOf, heldOut ?? request.Seed);
        var parts = new List<LabeledDataset>();
        foreach (var (part, partName) in request.TestOnly ? [(2, "test")] : new[] { (0, "train"), (1, "validation"), (2, "test") })
        {
            var selected = Enumerable.Range(0, rows.Count).Where(i => assigned[i] == part).ToList();
            var values = new float[selected.Count * columns.Count];
            for (var i = 0; i < selected.Count; i++) rows[selected[i]].CopyTo(values, i * columns.Count);
            parts.Add(new LabeledDataset($"{name}/{partName}", tensor(values, [selected.Count, columns.Count]),
                tensor(selected.Select(i => (long)classOf[i]).ToArray(), ScalarType.Int64), classes.Count));
        }
        return request.TestOnly
            ? new SourceData(name, classes, parts[0].Empty($"{name}/train"), null, parts[0]) { Columns = columns, LabelColumn = labelColumn }
            : new SourceData(name, classes, parts[0], parts[1], parts[2]) { Columns = columns, LabelColumn = labelColumn };
    }

    private static (List<string> Columns, string LabelColumn, List<string> Labels, List<float[]> Rows) ReadTable(string path, string labelColumn, bool hasHeader)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = hasHeader,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            // Without a header the first row is already data: it is read here to count the columns and kept for the loop below.
            var pending = !hasHeader && csv.Read();
            if (hasHeader) csv.ReadHeader();
            else if (!pending) throw new DataFormatException($"CSV file '{path}' is empty; it needs data rows.");
            var header = hasHeader ? csv.Headers.ToArray() : Enumerable.Range(1, csv.FieldCount).Select(i => $"c{i}").ToArray();
            if (header.Length == 0) throw new DataFormatException($"CSV file '{path}' is empty; it needs a header row naming its columns, then data rows.");
            if (!hasHeader) labelColumn = Unnamed(labelColumn, header.Length);
            // A repeated name makes "the column 'x'" mean two things: the label lookup and a model's
            // recorded inputs would each pick one silently.
            if (header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                throw new DataFormatException(
                    $"CSV file '{path}' names the column '{repeated.Key}' twice in its header (columns {string.Join(" and ", header.Select((h, i) => (h, i)).Where(p => p.h == repeated.Key).Select(p => p.i + 1).Take(2))}); give each column its own name.");
            var labelAt = Array.FindIndex(header, h => string.Equals(h, labelColumn, StringComparison.Ordinal));
            if (labelAt < 0) labelAt = Array.FindIndex(header, h => string.Equals(h, labelColumn, StringComparison.OrdinalIgnoreCase));
            if (labelAt < 0 && !hasHeader)
                throw new DataFormatException($"CSV file '{path}' has {header.Length} columns (c1..c{header.Length}), so there is no column '{labelColumn}'; give --label-column as cN or N.");
            if (labelAt < 0)
                throw new DataFormatException(
                    $"CSV file '{path}' has no column '{labelColumn}' in its header ({string.Join(", ", header.Take(12))}{(header.Length > 12 ? ", ..." : "")}); name the label column with --label-column.");
            var columns = header.Where((_, i) => i != labelAt).ToList();
            if (columns.Count == 0) throw new DataFormatException($"CSV file '{path}' has no feature columns besides '{labelColumn}'.");
            var labels = new List<string>();
            var rows = new List<float[]>();
            while (pending || csv.Read())
            {
                pending = false;
                var line = csv.LineNumber;
                if (csv.FieldCount != header.Length)
                    throw new DataFormatException($"CSV file '{path}' line {line} has {csv.FieldCount} fields but the {(hasHeader ? "header" : "first row")} has {header.Length}.");
                var label = csv.GetString(labelAt);
                if (label.Length == 0) throw new DataFormatException($"CSV file '{path}' line {line} has an empty label in column '{header[labelAt]}'.");
                var values = new float[columns.Count];
                for (int field = 0, feature = 0; field < header.Length; field++)
                {
                    if (field == labelAt) continue;
                    var cell = csv.GetString(field);
                    if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)
                        || Math.Abs(value) > float.MaxValue)
                        throw new DataFormatException($"CSV file '{path}' line {line}, column '{header[field]}': '{Clip(cell)}' is not a finite number.");
                    values[feature++] = (float)value;
                }
                labels.Add(label);
                rows.Add(values);
            }
            if (rows.Count == 0) throw new DataFormatException($"CSV file '{path}' has a header but no data rows.");
            return (columns, header[labelAt], labels, rows);
        }
        catch (CsvFormatException e)
        {
            throw new DataFormatException($"CSV file '{path}' cannot be read at line {e.LineNumber}: {e.Message.Split('\n')[0].TrimEnd('.')}.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            throw new DataFormatException($"CSV file '{path}' cannot be read: {e.Message.Split('\n')[0].TrimEnd('.')}.");
        }
    }

    /// <summary>
    /// The label column of a table without a header, named like its columns: the default means the
    /// last column (where most headerless tables, UCI's among them, keep the class); a number N means cN.
    /// </summary>
    private static string Unnamed(string labelColumn, int columnCount) =>
        labelColumn == DataRequest.DefaultLabelColumn ? $"c{columnCount}"
        : int.TryParse(labelColumn, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? $"c{number}"
        : labelColumn;

    private static List<string> Classes(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToList();
        return distinct.All(l => long.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            ? distinct.OrderBy(l => long.Parse(l, CultureInfo.InvariantCulture)).ToList()
            : distinct.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Refuses two labels that are the same number written differently ('1' and '01', '2' and '2.0'):
    /// they would become two classes, splitting one class's rows in two. Refusing, rather than merging
    /// them, leaves the choice of which spelling is right with the user, and a file cleaned once.
    /// </summary>
    private static void CheckSpellings(string path, string labelColumn, IEnumerable<string> classes)
    {
        var numbers = new Dictionary<double, string>();
        foreach (var label in classes)
        {
            if (!double.TryParse(label, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            if (numbers.TryGetValue(value, out var first))
                throw new DataFormatException(
                    $"CSV file '{path}' has the labels '{first}' and '{label}' in column '{labelColumn}', the same number written two ways, which would make two classes; write each class one way.");
            numbers[value] = label;
        }
    }

    private static string Clip(string cell) => cell.Length <= 40 ? cell : cell[..40] + "...";
}
