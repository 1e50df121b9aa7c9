// Your own training loop, with Distill's methods as its loss: the student's logits, the teacher's and
// the layers both read go in, named loss terms come out (hard_ce, soft_kl, hint). Distill trains only
// the teacher here (one call); the student's epochs, batches and optimiser are this program's.
// Writes terms.jsonl (each epoch's mean terms and validation accuracy) under --out.
using System.Text.Json;
using Distill;
using Distill.Evaluation;
using Distill.Methods;
using Distill.Studies;
using Distill.Training;
using Examples;
using static TorchSharp.torch;

// The command line's native settings: reproducible MKL products (byte-identical resume across
// processes), MKL's kernels by CPU features, and the checked convolution path (docs/native.md).
Distill.Native.DistillNative.Prepare();
var arguments = ExampleArguments.Parse(args, "own-loop");
try
{
    using var data = StudyData.Load(arguments.Data, validationCount: null, seed: 1, ConsoleProgress.Observer.Messages);
    manual_seed(1);
    using var teacher = new Teacher();
    new Trainer(new TrainingOptions { Epochs = arguments.Epochs }, ConsoleProgress.Observer.Training)
        .Train("teacher", teacher, data.Train, data.Validation, new SupervisedObjective());

    using var student = new Student();
    var options = new DistillationOptions { Method = "kd+fitnets", Temperature = 4 }
        .With(new FitNetsOptions { TeacherLayer = "features.relu2", StudentLayer = arguments.StudentLayer ?? "body.act2", HintWeight = 10 });
    using var loss = new DistillationLoss(student, teacher, options, data.Train.SampleShape, data.Info.ClassCount, data.Train.Count);
    // The regressor FitNets learns is trained with the student.
    var optimizer = optim.Adam(student.parameters().Concat(loss.Methods.parameters()), lr: 1e-3);
    Directory.CreateDirectory(arguments.Out);
    using var log = new StreamWriter(Path.Combine(arguments.Out, "terms.jsonl"));
    for (var epoch = 1; epoch <= arguments.Epochs; epoch++)
    {
        student.train();
        loss.Methods.train();
        var sums = new Dictionary<string, double>();
        var batches = 0;
        foreach (var (rows, inputs) in data.Train.Batches(randperm(data.Train.Count).split(64)))
        {
            using var scope = NewDisposeScope();
            var (_, terms) = loss.Step(student, inputs, data.Train.Labels[rows], rows, epoch);
            optimizer.zero_grad();
            terms.Total().backward();
            optimizer.step();
            foreach (var (name, value) in terms.Terms) sums[name] = sums.GetValueOrDefault(name) + value.item<float>();
            batches++;
        }
        student.eval();
        var accuracy = Evaluator.Evaluate(student, data.Validation).Accuracy;
        var means = sums.ToDictionary(t => t.Key, t => t.Value / batches);
        log.WriteLine(JsonSerializer.Serialize(new { epoch, terms = means, validationAccuracy = accuracy }));
        Console.WriteLine($"epoch {epoch}: {string.Join(", ", means.Select(t => $"{t.Key} {t.Value:F4}"))}; validation accuracy {accuracy:P2}");
    }
    Console.WriteLine($"Student test accuracy {Evaluator.Evaluate(student, data.Test).Accuracy:P2}; terms per epoch in {Path.Combine(arguments.Out, "terms.jsonl")}");
    return 0;
}
catch (DistillException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
