namespace Distill.Experiments;

public enum SweepMode
{
    /// <summary>Every combination of the listed values.</summary>
    Grid,

    /// <summary>SweepOptions.Samples points drawn at random from the lists and ranges.</summary>
    Random,
}
