namespace Distill.Export;

/// <summary>How the range of each activation is taken from the calibration data.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,

    /// <summary>The given percentiles of the values seen (low and high), so a few outliers do not stretch the scale.</summary>
    Percentile,
}
