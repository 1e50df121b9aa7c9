using Distill.Data.Augmentation;
using static TorchSharp.torch;

namespace Distill.Teachers;

/// <summary>
/// The teacher's logits for augmentations that make a fixed, finite set of views of each image
/// (hflip and vflip: 2 each, crop:N and jitter:N: (2N+1)^2 shifts, any chain of them: the product),
/// kept per training row and view: the student is taught on the view it saw ("consistent
/// teaching", Beyer et al. 2022, arXiv:2106.05237), and the teacher runs once per row and view
/// rather than on every batch. Which view a student input is gets found by comparing it with each
/// view of its row, exactly (these transforms copy pixels, they do not resample them). A view is
/// computed the first time a step meets it, so the cache never costs more forward passes than the
/// live teacher; from the epoch where every view has been met, none. Logits only: a method that
/// reads the teacher's layers gets a live teacher.
/// </summary>
public sealed class ViewCachedTeacher : ITeacherSource, IDisposable
{
    private readonly LiveTeacher _live;
    private readonly Tensor _features;
    private readonly IReadOnlyList<Func<Tensor, Tensor>> _views;
    private readonly Tensor _logits;
    private readonly Tensor _known;
    private readonly ImageRange _range;

    private ViewCachedTeacher(nn.Module<Tensor, Tensor> teacher, Tensor features, IReadOnlyList<Func<Tensor, Tensor>> views, ImageRange range, long classes, Training.Precision precision)
    {
        _live = new LiveTeacher(teacher, [], precision);
        _features = features;
        _views = views;
        _range = range;
        _logits = zeros(views.Count * features.shape[0], classes);
        _known = zeros(views.Count * features.shape[0], dtype: ScalarType.Bool);
    }

    /// <summary>
    /// A view cache for <paramref name="teacher"/> over <paramref name="features"/> (the training set,
    /// in memory) under <paramref name="transforms"/>, or null where a transform's views are not a
    /// finite set (rotations, zooms, brightness) or the cache would pass <paramref name="maxBytes"/>.
    /// The views are computed in <paramref name="precision"/>.
    /// </summary>
    public static ViewCachedTeacher? TryCreate(nn.Module<Tensor, Tensor> teacher, Tensor features, IReadOnlyList<IImageTransform> transforms, long classes, long maxBytes,
        Training.Precision precision = Training.Precision.Float32)
    {
        if (transforms.Count == 0 || transforms.Any(t => t is not (RandomFlip or RandomShift))) return null;
        var views = transforms.Aggregate(1L, (n, t) => n * (t is RandomShift s ? (2L * s.Padding + 1) * (2L * s.Padding + 1) : 2));
        if (views * features.shape[0] * classes * sizeof(float) > maxBytes) return null;
        var range = ImageRange.Measure(features);
        return new ViewCachedTeacher(teacher, features, Views(transforms, range.Black), range, classes, precision);
    }

    /// <summary>The number of views per image.</summary>
    public int ViewCount => _views.Count;

    /// <summary>Row-and-view pairs whose logits are held.</summary>
    public long KnownCount => _known.sum().item<long>();

    public IReadOnlyList<string> Layers => [];

    public bool IsCached => false;

    public TeacherOutputs Outputs(Tensor inputs, Tensor rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var view = ViewOf(inputs, rows);
        var matched = view.ge(0);
        var slots = view.clamp_min(0) * _features.shape[0] + rows;
        var logits = _logits.index_select(0, slots);
        var missing = _known.index_select(0, slots).logical_and(matched).logical_not().nonzero().squeeze(1);
        if (missing.numel() > 0)
        {
            var computed = _live.Outputs(inputs.index_select(0, missing), rows.index_select(0, missing)).Logits;
            logits.index_copy_(0, missing, computed);
            var keep = matched.index_select(0, missing).nonzero().squeeze(1);
            var keepSlots = slots.index_select(0, missing).index_select(0, keep);
            _logits.index_copy_(0, keepSlots, computed.index_select(0, keep));
            _known.index_fill_(0, keepSlots, true);
        }
        return new TeacherOutputs(logits.MoveToOuterDisposeScope(), new Dictionary<string, Tensor>());
    }

    // The index of the first view of each row equal to its input, -1 where none is.
    private Tensor ViewOf(Tensor inputs, Tensor rows)
    {
        var originals = _features.index_select(0, rows);
        var found = full(rows.shape[0], -1L, dtype: ScalarType.Int64);
        for (var v = _views.Count - 1; v >= 0; v--)
        {
            var equal = _views[v](originals).eq(inputs).flatten(1).all(1);
            found = where(equal, tensor((long)v), found);
        }
        return found;
    }

    // Every combination of each transform's choices, applied in the pipeline's order.
    private static IReadOnlyList<Func<Tensor, Tensor>> Views(IReadOnlyList<IImageTransform> transforms, Tensor black)
    {
        IReadOnlyList<Func<Tensor, Tensor>> views = [x => x];
        foreach (var transform in transforms)
        {
            IReadOnlyList<Func<Tensor, Tensor>> choices = transform switch
            {
                RandomFlip flip => [x => x, x => x.flip(flip.Vertical ? 2 : 3)],
                RandomShift shift => Shifts(shift.Padding, black),
                _ => throw new InvalidOperationException($"'{transform.Spec}' has no finite set of views."),
            };
            views = views.SelectMany(view => choices.Select(choice => (Func<Tensor, Tensor>)(x => choice(view(x))))).ToList();
        }
        return views;
    }

    private static List<Func<Tensor, Tensor>> Shifts(int padding, Tensor black)
    {
        var shifts = new List<Func<Tensor, Tensor>>();
        for (var top = 0L; top <= 2 * padding; top++)
        for (var left = 0L; left <= 2 * padding; left++)
        {
            var offset = new[] { top, left };
            shifts.Add(x => RandomShift.Shift(x, tensor(offset).view(1, 2).expand(x.shape[0], 2), padding, black));
        }
        return shifts;
    }

    public void Dispose()
    {
        _live.Dispose();
        _logits.Dispose();
        _known.Dispose();
        _range.Dispose();
    }
}
