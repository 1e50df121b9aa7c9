namespace Distill;

/// <summary>
/// A problem the user can fix (bad input, bad option, missing file), described in one sentence.
/// The CLI prints the message alone and exits non-zero; anything else is a bug.
/// </summary>
public class DistillException : Exception
{
    public DistillException(string message) : base(message) { }

    public DistillException(string message, Exception inner) : base(message, inner) { }
}
