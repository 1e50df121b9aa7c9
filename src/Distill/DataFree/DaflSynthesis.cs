using Distill.Losses;
using static TorchSharp.torch;

namespace Distill.DataFree;

/// <summary>
/// DAFL (Chen, Wang, Xu, Yang, Liu, Shi, Xu, Xu, Tian 2019, "Data-Free Learning of Student Networks",
/// Algorithm 1): each step draws z ~ N(0, I), makes x = G(z), and descends
/// L_G = w_oh L_oh + w_a L_a + w_ie L_ie (+ w_bn R_feature, DeepInversion's, where asked) for the generator
/// while the student descends KD(S(x), T(x)) at temperature T on the same, detached, images, both with Adam,
/// as the authors' DAFL_train.py does (one backward pass, two optimizer steps).
/// </summary>
public sealed class DaflSynthesis : IDisposable
{
    private readonly DataFreeOptions _options;
    private readonly DataFreeTeacher _teacher;
    private readonly DaflGenerator _generator;
    private readonly optim.Optimizer _generatorOptimizer;
    private readonly int _batchSize;

    public DaflSynthesis(DataFreeOptions options, DataFreeTeacher teacher, IReadOnlyList<long> imageShape, int batchSize)
    {
        _options = options;
        _teacher = teacher;
        _batchSize = batchSize;
        _generator = new DaflGenerator(options.LatentSize, imageShape);
        _generator.train();
        _generatorOptimizer = optim.Adam(_generator.parameters(), options.GeneratorLearningRate, beta1: 0.9, beta2: 0.999);
    }

    /// <summary>The generator, whose weights and batch-norm statistics a checkpoint saves.</summary>
    public nn.Module Generator => _generator;

    /// <summary>The generator's Adam, whose moments a checkpoint saves.</summary>
    public optim.Optimizer Optimizer => _generatorOptimizer;

    /// <summary>The generator's parameters, in the order its optimizer holds their states.</summary>
    public IReadOnlyList<TorchSharp.Modules.Parameter> Parameters => [.. _generator.parameters()];

    /// <summary>One step of the generator and the student; the images made, the teacher's logits on them (detached) and the weighted generator terms, by name.</summary>
    public (Tensor Images, Tensor TeacherLogits, LossTerms Terms) Step(Func<Tensor, Tensor, Tensor> studentLoss)
    {
        _generatorOptimizer.zero_grad();
        var images = _generator.call(randn(_batchSize, _options.LatentSize));
        var (logits, features, batchNorm) = _teacher.Forward(images);
        var terms = new LossTerms()
            .Add("one_hot", DataFreeLosses.OneHot(logits), _options.OneHotWeight)
            .Add("entropy", DataFreeLosses.InformationEntropy(logits), _options.EntropyWeight);
        if (features is not null) terms.Add("activation", DataFreeLosses.Activation(features), _options.ActivationWeight);
        if (batchNorm is not null) terms.Add("bn_statistics", batchNorm, _options.EffectiveBatchNormWeight);
        var detachedImages = images.detach();
        var teacherLogits = logits.detach();
        var kd = studentLoss(detachedImages, teacherLogits);
        (terms.Total() + kd).backward();
        _generatorOptimizer.step();
        return (detachedImages, teacherLogits, terms);
    }

    /// <summary>A fresh batch of images, without gradients.</summary>
    public Tensor Sample(int count)
    {
        using var noGrad = no_grad();
        return _generator.call(randn(count, _options.LatentSize));
    }

    public void Dispose()
    {
        _generatorOptimizer.Dispose();
        _generator.Dispose();
    }
}
