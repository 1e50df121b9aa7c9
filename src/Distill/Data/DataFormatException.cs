namespace Distill.Data;

/// <summary>A data file that is not what it claims to be: wrong magic, truncated, inconsistent header.</summary>
public sealed class DataFormatException : DistillException
{
    public DataFormatException(string message) : base(message) { }
}
