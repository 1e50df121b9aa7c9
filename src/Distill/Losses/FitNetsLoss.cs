using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// FitNets hint loss (Romero, Ballas, Kahou, Chassang, Gatta, Bengio 2015, "FitNets: Hints for
/// Thin Deep Nets"): L = mean over every element of (r(f_s) - f_t)^2, where r is the learned
/// regressor that maps the student's guided layer onto the teacher's hint layer. Follows
/// mdistiller (<c>F.mse_loss</c>, mean reduction); the paper writes 1/2 times the squared L2
/// norm summed per example, which differs only by a constant factor the weight absorbs.
/// </summary>
public static class FitNetsLoss
{
    /// <summary>
    /// Mean squared error between the regressed student feature and the teacher feature, which
    /// must have the same shape (the regressor, a module, makes them so). Unweighted scalar.
    /// </summary>
    public static Tensor Hint(Tensor regressedStudentFeature, Tensor teacherFeature)
    {
        FeatureChecks.SameShape(regressedStudentFeature, teacherFeature, "FitNets hint");
        return nn.functional.mse_loss(regressedStudentFeature, teacherFeature, reduction: nn.Reduction.Mean);
    }
}
