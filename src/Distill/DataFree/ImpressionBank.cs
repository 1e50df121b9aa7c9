using static TorchSharp.torch;

namespace Distill.DataFree;

/// <summary>
/// The impressions of a zskd or deepinversion run, made batch by batch into one tensor, and how many are made
/// so far, both as buffers: the run's checkpoint saves them with the student, so a run killed while it makes
/// impressions resumes at the next batch.
/// </summary>
internal sealed class ImpressionBank : nn.Module
{
    private readonly Tensor _made;

    public ImpressionBank(int count, IReadOnlyList<long> imageShape) : base(nameof(ImpressionBank))
    {
        Images = zeros([count, .. imageShape]);
        _made = zeros(1, dtype: ScalarType.Int64);
        register_buffer("images", Images);
        register_buffer("made", _made);
    }

    /// <summary>All the impressions, [count, channels, height, width]; the rows past <see cref="Made"/> are zeros.</summary>
    public Tensor Images { get; }

    public int Made => (int)_made.item<long>();

    /// <summary>Appends a batch after the impressions made so far.</summary>
    public void Add(Tensor batch)
    {
        using var noGrad = no_grad();
        Images.narrow(0, Made, batch.shape[0]).copy_(batch);
        _made.add_(batch.shape[0]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Images.Dispose();
            _made.Dispose();
        }
        base.Dispose(disposing);
    }
}
