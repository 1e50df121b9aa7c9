using Distill.Features;
using Distill.Losses;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Distill.Methods;

/// <summary>
/// FitNets hints (Romero et al. 2015, "FitNets: Hints for Thin Deep Nets"): a regressor r maps the
/// student's guided layer onto the teacher's hint layer, hint = HintWeight * mean((r(f_s) - f_t)^2).
/// The regressor follows mdistiller's ConvReg (a 3x3 convolution for equal spatial sizes, a
/// (1 + s - t) kernel when the student's map is larger, then batch norm and ReLU), or a linear layer
/// for vector features. mdistiller trains the hint jointly with the labels (CE weight 1, hint 100)
/// rather than in the paper's two stages; Distill does the same. The regressor is training-only.
/// </summary>
public sealed class FitNets : LayerPairMethod, IDescribedMethod
{
    private readonly Module<Tensor, Tensor> regressor;
    private readonly double _weight;

    public FitNets(LayerShape student, LayerShape teacher, double hintWeight) : base(nameof(FitNets), student.Name, teacher.Name)
    {
        _weight = hintWeight;
        regressor = Regressor(student, teacher);
        RegisterComponents();
    }

    public static MethodDescriptor Descriptor { get; } = MethodDescriptor.For<FitNetsOptions>(
        "fitnets",
        "Regress a middle student layer onto the teacher's (learned regressor, MSE).",
        "Romero et al. 2015, FitNets: Hints for Thin Deep Nets",
        defaultHardLabelWeight: 1,
        create: (o, context) =>
        {
            var (s, t) = o.StudentLayer is null && o.TeacherLayer is null
                ? DefaultLayers.Middle(context.StudentLayers, context.TeacherLayers)
                : LayerChoice.Single(o.StudentLayer, o.TeacherLayer, context, DefaultLayers.LastFeatureMap, "fitnets");
            return new FitNets(context.Student(s), context.Teacher(t), o.HintWeight);
        },
        readsLayers: true);

    public override LossTerms forward(DistillationStep step) =>
        new LossTerms().Add("hint", FitNetsLoss.Hint(regressor.call(step.StudentFeatures[StudentLayer]), step.TeacherFeatures[TeacherLayer]), _weight);

    private static Module<Tensor, Tensor> Regressor(LayerShape student, LayerShape teacher)
    {
        if (student.Shape.Length == 1 && teacher.Shape.Length == 1) return Linear(student.Shape[0], teacher.Shape[0]);
        if (!student.IsFeatureMap || !teacher.IsFeatureMap)
            throw new DistillException($"FitNets regresses a feature map onto a feature map or a vector onto a vector, not the student's {student} onto the teacher's {teacher}.");
        var (sc, sh, sw) = (student.Shape[0], student.Shape[1], student.Shape[2]);
        var (tc, th, tw) = (teacher.Shape[0], teacher.Shape[1], teacher.Shape[2]);
        if (sh < th || sw < tw)
            throw new DistillException($"FitNets needs a student feature map at least as large as the teacher's; the student's {student} is smaller than the teacher's {teacher}.");
        Module<Tensor, Tensor> conv = sh == th && sw == tw
            ? Conv2d(sc, tc, 3, padding: 1)
            : Conv2d(sc, tc, (1 + sh - th, 1 + sw - tw));
        return Sequential(("conv", conv), ("bn", BatchNorm2d(tc)), ("relu", ReLU()));
    }
}
