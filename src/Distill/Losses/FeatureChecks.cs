using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>Shape checks and spatial alignment shared by the feature-based losses.</summary>
internal static class FeatureChecks
{
    public static void SameShape(Tensor student, Tensor teacher, string what)
    {
        if (!student.shape.SequenceEqual(teacher.shape))
            throw new DistillException($"{what}: student {Shape(student)} and teacher {Shape(teacher)} must have the same shape.");
    }

    public static void SameBatch(Tensor student, Tensor teacher, string what)
    {
        if (student.dim() < 2 || teacher.dim() < 2 || student.shape[0] != teacher.shape[0])
            throw new DistillException($"{what}: student {Shape(student)} and teacher {Shape(teacher)} must be batches of the same size, [batch, ...].");
    }

    public static void FeatureMaps(Tensor student, Tensor teacher, string what)
    {
        if (student.dim() != 4 || teacher.dim() != 4 || student.shape[0] != teacher.shape[0])
            throw new DistillException($"{what}: student {Shape(student)} and teacher {Shape(teacher)} must be feature maps [batch, channels, height, width] of the same batch.");
    }

    public static void SamePairCount(int students, int teachers, string what)
    {
        if (students != teachers)
            throw new DistillException($"{what}: {students} student feature maps and {teachers} teacher feature maps; they come in pairs.");
    }

    /// <summary>
    /// mdistiller compares the heights of the two maps and average-pools the taller one down to
    /// the other's size. It pools to a square of the smaller height; this pools to the smaller
    /// map's own height and width, the same for the square maps mdistiller uses and still
    /// defined for rectangular ones.
    /// </summary>
    public static (Tensor Student, Tensor Teacher) PoolLargerToSmaller(Tensor student, Tensor teacher)
    {
        if (student.shape[2] > teacher.shape[2])
            return (nn.functional.adaptive_avg_pool2d(student, [teacher.shape[2], teacher.shape[3]]), teacher);
        if (student.shape[2] < teacher.shape[2])
            return (student, nn.functional.adaptive_avg_pool2d(teacher, [student.shape[2], student.shape[3]]));
        return (student, teacher);
    }

    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
