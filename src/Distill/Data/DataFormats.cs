namespace Distill.Data;

/// <summary>Names of the data formats as the CLI and experiment files write them.</summary>
public static class DataFormats
{
    public static string Name(DataFormat format) => format.ToString().ToLowerInvariant();

    public static DataFormat Parse(string name)
    {
        foreach (var format in Enum.GetValues<DataFormat>())
            if (string.Equals(Name(format), name, StringComparison.OrdinalIgnoreCase)) return format;
        throw new DistillException(
            $"Unknown data format '{name}'; known formats are {string.Join(", ", Enum.GetValues<DataFormat>().Select(Name))}.");
    }
}
