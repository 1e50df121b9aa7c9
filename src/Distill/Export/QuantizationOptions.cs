namespace Distill.Export;

/// <summary>Post-training static quantization of an exported model (<see cref="OnnxQuantizer"/>).</summary>
public sealed record QuantizationOptions
{
    /// <summary>How activation ranges are read from the calibration rows.</summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MinMax;

    /// <summary>With <see cref="CalibrationMethod.Percentile"/>: the upper percentile kept (the lower one is 100 minus it).</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>Training rows run through the float model to calibrate (the first ones, in order).</summary>
    public int CalibrationRows { get; init; } = 1000;

    /// <summary>Rows per calibration batch.</summary>
    public int BatchSize { get; init; } = 100;

    public void Validate()
    {
        if (!(Percentile > 50 && Percentile <= 100)) throw new DistillException($"The calibration percentile must be above 50 and at most 100, not {Percentile}.");
        if (CalibrationRows < 1) throw new DistillException($"Calibration needs at least 1 row, not {CalibrationRows}.");
        if (BatchSize < 1) throw new DistillException($"The calibration batch size must be at least 1, not {BatchSize}.");
    }
}
