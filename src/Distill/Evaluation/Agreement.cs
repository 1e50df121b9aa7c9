namespace Distill.Evaluation;

/// <summary>
/// How closely a student follows its teacher on the test set: the share of rows where both pick
/// the same top-1 class, and the mean KL(p_teacher || p_student) of their plain (T = 1) softmax
/// outputs, in nats, averaged over rows. A distilled student should agree more than its scratch twin.
/// </summary>
public sealed record Agreement(double TopOne, double MeanKl)
{
    public static Agreement Between(TestPredictions teacher, TestPredictions student)
    {
        if (teacher.Count != student.Count || teacher.ClassCount != student.ClassCount || !teacher.Labels.AsSpan().SequenceEqual(student.Labels))
            throw new DistillException("Teacher and student predictions are for different test rows; they cannot be compared.");
        if (teacher.Count == 0) return new Agreement(double.NaN, double.NaN);
        long same = 0;
        double kl = 0;
        for (var row = 0; row < teacher.Count; row++)
        {
            if (teacher.Predicted[row] == student.Predicted[row]) same++;
            var p = teacher.Probabilities(row);
            var q = student.Probabilities(row);
            for (var c = 0; c < p.Length; c++)
                if (p[c] > 0) kl += p[c] * (Math.Log(p[c]) - Math.Log(Math.Max(q[c], double.Epsilon)));
        }
        return new Agreement((double)same / teacher.Count, kl / teacher.Count);
    }
}
