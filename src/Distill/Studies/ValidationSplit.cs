namespace Distill.Studies;

/// <summary>
/// How many training rows are held out for model selection when the data has no validation part of
/// its own (IDX, CIFAR; image folders and CSV files bring theirs): the number asked for, or by default
/// 10 % of the training rows, at most 5,000. A fixed 5,000 refused every set of 5,000 rows or fewer,
/// and took half of a 10,000-row one.
/// </summary>
public static class ValidationSplit
{
    public const int DefaultMaximum = 5000;

    public const double DefaultShare = 0.1;

    /// <summary>What the default means, for help texts and messages.</summary>
    public const string DefaultText = "10 % of the training rows, at most 5,000";

    /// <summary>
    /// The rows to hold out of <paramref name="trainingRows"/>: <paramref name="requested"/>, refused
    /// when it leaves no row on either side, or the default. <paramref name="option"/> is how the user
    /// spelt the setting (the flag, or an experiment file's key), which the refusal names.
    /// </summary>
    public static int Rows(int? requested, long trainingRows, string option = "--validation")
    {
        if (trainingRows < 2)
            throw new DistillException($"The data has {trainingRows} training row{(trainingRows == 1 ? "" : "s")}; a validation split ({option}) needs at least 2, one on each side.");
        if (requested is not { } count)
            return (int)Math.Clamp(Math.Min(DefaultMaximum, (long)(trainingRows * DefaultShare)), 1, trainingRows - 1);
        if (count <= 0 || count >= trainingRows)
            throw new DistillException(
                $"The validation split must hold between 1 and {trainingRows - 1:N0} of the {trainingRows:N0} training rows, not {count:N0}; lower {option}, or leave it out for {DefaultText}.");
        return count;
    }
}
