using Distill.Export;
using Distill.Models;
using Distill.Quantization;
using Distill.Tests.Support;
using Distill.Training;
using Onnx;
using static TorchSharp.torch;

namespace Distill.Tests.Quantization;

public sealed class QuantizationAwareTrainingTests
{
    [Theory]
    [InlineData("mlp:64-32")]
    [InlineData("cnn:c8-bn-relu-mp2-c16-relu-fc16-relu")]
    [InlineData("plaincnn:2")]
    public void A_quantization_aware_student_learns_and_ONNX_Runtime_predicts_what_it_simulated(string spec)
    {
        using var folder = new TemporaryFolder();
        using var train = SyntheticPatterns.Make("train", 1024, [1, 12, 12], 5, 1.2, 1);
        using var test = SyntheticPatterns.Make("test", 500, [1, 12, 12], 5, 1.2, 2);
        manual_seed(2);
        using var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 12, 12], 5);
        var card = new ModelCard(spec, [1, 12, 12], 5, ModelBuilder.CountParameters(model), "synthetic", "student");
        new Trainer(new TrainingOptions { Epochs = 4, BatchSize = 32, QuantizationAware = true })
            .Train("student", model, train, test, new SupervisedObjective(), card, folder.Path);

        var saved = ModelStore.ReadCard(Path.Combine(folder.Path, "best.bin")).QuantizationAware;
        Assert.NotNull(saved);
        Assert.Contains("input", saved.Activations.Keys);
        var int8 = OnnxQuantizer.Quantize(OnnxExporter.Export(model, card), saved);
        Assert.Contains(ModelProto.Parser.ParseFrom(int8).MetadataProps, p => p.Key == "distill.quantization" && p.Value.Contains("quantization-aware"));

        model.eval();
        using var noGrad = no_grad();
        using var simulated = model.call(test.Features);
        using var onnx = OnnxRun.Logits(int8, test.Features);
        var agreement = simulated.argmax(1).eq(onnx.argmax(1)).to(ScalarType.Float32).mean().item<float>();
        var accuracy = onnx.argmax(1).eq(test.Labels).to(ScalarType.Float32).mean().item<float>();
        Assert.True(agreement >= 0.99, $"{spec}: TorchSharp's simulation and ONNX Runtime agree on {agreement:P1} of the rows");
        Assert.True(accuracy > 0.8, $"{spec}: the int8 file is right on {accuracy:P1} of the rows");
    }

    [Fact]
    public void A_loaded_quantization_aware_model_computes_on_its_recorded_ranges()
    {
        using var folder = new TemporaryFolder();
        using var train = SyntheticPatterns.Make("train", 256, [1, 12, 12], 5, 1.2, 1);
        manual_seed(2);
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:32"), [1, 12, 12], 5);
        var card = new ModelCard("mlp:32", [1, 12, 12], 5, ModelBuilder.CountParameters(model), "synthetic", "student");
        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 32, QuantizationAware = true }).Train("student", model, train, train, new SupervisedObjective(), card, folder.Path);

        var (loaded, loadedCard) = ModelStore.Load(Path.Combine(folder.Path, "best.bin"));
        using (loaded)
        {
            Assert.NotNull(QuantizationAwareModel.Of(loaded));
            model.eval();
            loaded.eval();
            using var noGrad = no_grad();
            Assert.True(model.call(train.Features).allclose(loaded.call(train.Features), rtol: 0, atol: 1e-6));
            Assert.Equal(QuantizationAwareModel.Of(model)!.Ranges().Activations.Keys.Order(), loadedCard.QuantizationAware!.Activations.Keys.Order());
        }
    }

    [Fact]
    public void Only_float32_values_move_and_the_gradient_reaches_every_weight()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = ModelBuilder.Build(ModelSpec.Parse("cnn:c4-bn-relu-mp2-fc8-relu"), [1, 8, 8], 3);
        QuantizationAwareModel.Prepare(model);
        model.train();
        nn.functional.cross_entropy(model.call(randn(16, 1, 8, 8)), randint(0, 3, [16])).backward();
        Assert.All(model.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void A_layer_it_cannot_quantize_is_refused_in_one_sentence()
    {
        using var model = ModelBuilder.Build(ModelSpec.Parse("cnn:c4-gelu-fc8"), [3, 16, 16], 10);
        Assert.Equal("Quantization-aware training cannot quantize 'act1.scaled', a value the int8 file quantizes that no layer of the model returns (GELU is written as several operators); train the model in float32 and quantize it with export --int8.",
            Assert.Throws<DistillException>(() => QuantizationAwareModel.Prepare(model, sampleShape: [3, 16, 16])).Message);
    }

    [Fact]
    public void Bfloat16_and_quantization_aware_training_together_are_refused()
    {
        var options = new TrainingOptions { QuantizationAware = true, Precision = Precision.Bfloat16 };
        Assert.Equal("Quantization-aware training simulates int8 on float32 products, so it cannot run with bfloat16 precision; drop one of the two.",
            Assert.Throws<DistillException>(options.Validate).Message);
    }

    [Fact]
    public void A_range_the_training_never_observed_is_named()
    {
        var ranges = new QuantizationRanges(0.01, new Dictionary<string, float[]> { ["input"] = [0, 1] });
        Assert.Equal("The quantization-aware model has no observed range for the activation 'fc1' its ONNX graph quantizes; retrain it with --qat, or export --int8 it from a float model to calibrate.",
            Assert.Throws<DistillException>(() => ranges.Of("fc1")).Message);
    }

    [Fact]
    public void An_experiment_file_turns_it_on_with_quantizationAware_and_the_CLI_set_too()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("qat.json");
        File.WriteAllText(path, """{ "dataset": "mnist", "studentTraining": { "epochs": 2, "quantizationAware": true } }""");

        var experiment = Distill.Experiments.ExperimentFile.Load(path);
        Assert.True(experiment.Study.StudentTraining.QuantizationAware);
        Assert.False(experiment.Study.TeacherTraining.QuantizationAware);
        Assert.EndsWith(", quantization-aware", experiment.Study.StudentTraining.ToString());
        Assert.True(Distill.Experiments.ExperimentFile.Load(path, ["teacherTraining.quantizationAware=true"]).Study.TeacherTraining.QuantizationAware);
    }

    [Theory]
    [InlineData("mlp:32")]
    [InlineData("resnet:8")]
    public void A_run_killed_after_an_epoch_resumes_to_the_same_weights_and_ranges(string spec)
    {
        using var train = SyntheticPatterns.Make("train", 256, [1, 12, 12], 5, 1.2, 1);
        using var validation = SyntheticPatterns.Make("validation", 128, [1, 12, 12], 5, 1.2, 2);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 32, QuantizationAware = true };
        using var whole = new TemporaryFolder();
        using var killed = new TemporaryFolder();
        var (uninterrupted, _) = Run(options, whole.Path, null, resume: false);
        using var cancellation = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Run(options, killed.Path, cancellation, resume: false));
        var (resumed, _) = Run(options, killed.Path, null, resume: true);

        using (uninterrupted)
        using (resumed)
        {
            foreach (var ((name, expected), (_, actual)) in uninterrupted.state_dict().Zip(resumed.state_dict()))
                Assert.True(expected.equal(actual).all().item<bool>(), $"{name} differs after resuming");
            Assert.Equal(File.ReadAllText(Path.Combine(whole.Path, "best.json")), File.ReadAllText(Path.Combine(killed.Path, "best.json")));
        }

        (nn.Module<Tensor, Tensor> Model, ModelCard Card) Run(TrainingOptions training, string folder, CancellationTokenSource? cancel, bool resume)
        {
            manual_seed(4);
            var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 12, 12], 5);
            var card = new ModelCard(spec, [1, 12, 12], 5, ModelBuilder.CountParameters(model), "synthetic", "student");
            IProgress<TrainingProgress>? progress = cancel is null ? null : new KillAfterFirstEpoch(cancel);
            new Trainer(training, progress, cancel?.Token ?? default).Train("student", model, train, validation, new SupervisedObjective(), card, folder, resume: resume);
            return (model, card);
        }
    }

    private sealed class KillAfterFirstEpoch(CancellationTokenSource cancellation) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Completed is { Epoch: 1 }) cancellation.Cancel();
        }
    }
}
