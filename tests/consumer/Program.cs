// Trains a tiny distilled student with the Distill library, the way a user's program would.
using Distill.Data;
using Distill.Methods;
using Distill.Models;
using Distill.Teachers;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

manual_seed(1);
var features = rand(600, 1, 8, 8);
var labels = features.mean([1, 2, 3]).gt(0.5).to(ScalarType.Int64) + features[.., 0, 0, 0].gt(0.5).to(ScalarType.Int64);
var all = new LabeledDataset("consumer", features, labels, 3);
var (train, validation) = all.SplitValidation(100, 1);
var teacher = ModelBuilder.Build(ModelSpec.Parse("mlp:64"), train.SampleShape, 3);
new Trainer(new TrainingOptions { Epochs = 3 }).Train("teacher", teacher, train, validation, new SupervisedObjective());
// A student of the user's own, as in the README: any module is a student.
var student = nn.Sequential(("flatten", nn.Flatten()), ("fc1", nn.Linear(64, 8)), ("act1", nn.ReLU()), ("classifier", nn.Linear(8, 3)));
using var frozen = new FrozenTeacher(teacher, train.Features);
using var objective = DistillationObjective.Create(student, frozen, new DistillationOptions { Method = "kd+rkd" }, train.SampleShape, 3, train.Count, 1, augmented: false);
var result = new Trainer(new TrainingOptions { Epochs = 3 }).Train("student", student, train, validation, objective);
Console.WriteLine($"consumer ok: distilled student validation accuracy {result.History[^1].ValidationAccuracy:P1}");
