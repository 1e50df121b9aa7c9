namespace Distill.Training;

/// <summary>Training produced a NaN or infinite loss; the run stops instead of saving garbage.</summary>
public sealed class NumericFaultException : DistillException
{
    public NumericFaultException(string message) : base(message) { }
}
