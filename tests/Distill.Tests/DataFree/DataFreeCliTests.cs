using System.Text.Json.Nodes;
using Distill.DataFree;
using Distill.Reports;
using Distill.Runs;
using Distill.Studies;
using Distill.Tests.Support;
using Distill.Training;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.DataFree;

/// <summary>
/// Data-free distillation from the command line, an experiment file and the library: a teacher trained
/// briefly on small images, then students distilled from it alone, which must do clearly better than chance
/// on its test set; the run folder holds the student, the result row and the picture of the synthetic
/// inputs. Bad input (an ONNX teacher, zero steps, the batch-norm loss without batch norm) gets one sentence.
/// </summary>
public sealed class DataFreeCliTests : IClassFixture<DataFreeCliTests.Teacher>
{
    private readonly Teacher _teacher;

    public DataFreeCliTests(Teacher teacher) => _teacher = teacher;

    /// <summary>One teacher with batch norm for the whole class: a small CNN on block images, 10 classes.</summary>
    public sealed class Teacher : IDisposable
    {
        public TemporaryFolder Folder { get; } = new();

        public string Data { get; }

        public string Run { get; }

        public Teacher()
        {
            Data = Folder.File("data");
            SyntheticIdx.WriteDataset(Data, trainCount: 600, testCount: 200);
            Run = Folder.File("teacher");
            var (code, _, errors) = InProcessCli.Run("train", "--data-dir", Data, "--validation", "100", "-m", "cnn:c8-bn-relu-mp2-fc32-relu", "--epochs", "3", "--out", Run);
            Assert.True(code == 0, errors);
        }

        public void Dispose() => Folder.Dispose();
    }

    [Theory]
    [InlineData("dafl", 0.18, "--steps-per-epoch", "25", "--batch-size", "32")]
    [InlineData("zskd", 0.18, "--impressions", "200", "--impression-steps", "60", "--batch-size", "50")]
    [InlineData("deepinversion", 0.18, "--impressions", "200", "--impression-steps", "60", "--batch-size", "50")]
    public void A_student_distilled_from_the_teacher_alone_beats_chance_clearly(string method, double least, params string[] flags)
    {
        var run = _teacher.Folder.File("student-" + method);

        var (code, output, errors) = InProcessCli.Run(["distill", "--teacher", _teacher.Run, "--student-spec", "mlp:32", "--data-free", method,
            "--data-dir", _teacher.Data, "--epochs", "4", "--lr", "0.005", "--out", run, .. flags]);

        Assert.True(code == 0, errors);
        var student = RunRecords.ModelNodes(run).Single(m => m["role"]!.GetValue<string>() == "distilled");
        var accuracy = student["testAccuracy"]!.GetValue<double>();
        // Chance is 10 %; on 200 test rows 18 % is 4 standard deviations above it.
        Assert.True(accuracy > least, $"{method}: test accuracy {accuracy:P1} on 10 classes");
        Assert.Contains($"Data-free student ({method}, mlp:32)", student["title"]!.GetValue<string>());
        Assert.Equal(4, student["epochsRun"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(run, "distilled", "best.bin")));
        Assert.True(new FileInfo(Path.Combine(run, "distilled", SyntheticGallery.FileName)).Length > 1000);
        Assert.Contains("synthetic.png", File.ReadAllText(Path.Combine(run, "summary.md")));
        Assert.Equal(method, JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!["dataFree"]!["method"]!.GetValue<string>());
        Assert.Contains("Data-free", output);
    }

    [Fact]
    public void The_test_set_is_standardised_with_the_teachers_statistics_whatever_the_training_rows_hold()
    {
        var teacherCard = Distill.Models.ModelStore.ReadCard(Path.Combine(_teacher.Run, "teacher", "best.bin"));
        // The same test rows beside other training rows: inverted pixels, whose own statistics are far from the teacher's.
        // Named "blocks", the folder is no known set with fixed statistics, so without the teacher's its training rows would be measured.
        var other = _teacher.Folder.File("other-training-rows");
        Directory.CreateDirectory(other);
        foreach (var file in Directory.GetFiles(_teacher.Data)) File.Copy(file, Path.Combine(other, Path.GetFileName(file)));
        var images = File.ReadAllBytes(Path.Combine(other, Distill.Data.DatasetInfo.TrainImages));
        for (var i = 16; i < images.Length; i++) images[i] = (byte)(255 - images[i]);
        File.WriteAllBytes(Path.Combine(other, Distill.Data.DatasetInfo.TrainImages), images);
        using (var measured = Distill.Data.DataSources.Load(new Distill.Data.DataSelection { Path = other, Dataset = "blocks" }.ToRequest(other, 1)))
            Assert.True(Math.Abs(measured.Info.Normalization.Mean[0] - teacherCard.Normalization!.Mean[0]) > 0.1, "the other training rows must have other statistics");
        string Distil(string data, string name)
        {
            var run = _teacher.Folder.File(name);
            var (code, _, errors) = InProcessCli.Run("distill", "--teacher", _teacher.Run, "--student-spec", "mlp:16", "--data-free", "zskd", "--data-dir", data,
                "--dataset", "blocks", "--epochs", "1", "--impressions", "40", "--impression-steps", "5", "--out", run);
            Assert.True(code == 0, errors);
            return run;
        }

        var (first, second) = (Distil(_teacher.Data, "statistics-own"), Distil(other, "statistics-other"));

        foreach (var run in new[] { first, second })
            Assert.Equal(teacherCard.Normalization!.Mean, Distill.Models.ModelStore.ReadCard(Path.Combine(run, "distilled", "best.bin")).Normalization!.Mean);
        Assert.Equal(RunRecords.Accuracies(first), RunRecords.Accuracies(second));
        Assert.True(File.ReadAllBytes(Path.Combine(first, "distilled", "best.bin")).SequenceEqual(File.ReadAllBytes(Path.Combine(second, "distilled", "best.bin"))));
    }

    [Fact]
    public void Another_standardisation_than_the_teachers_is_refused_in_one_sentence_before_a_folder_is_made()
    {
        var run = _teacher.Folder.File("normalize-none");

        var (code, _, errors) = InProcessCli.Run("distill", "--teacher", _teacher.Run, "--student-spec", "mlp:16", "--data-free", "zskd", "--data-dir", _teacher.Data,
            "--dataset", "blocks", "--normalize", "none", "--epochs", "1", "--impressions", "40", "--impression-steps", "5", "--out", run);

        Assert.NotEqual(0, code);
        Assert.Contains("is tested on inputs standardised as its teacher's were", errors);
        Assert.Contains("--normalize none cannot apply; leave it out.", errors);
        Assert.False(Directory.Exists(run), "the run started before the refusal");
    }

    [Fact]
    public void The_teacher_never_changes_and_the_student_learns_through_the_library()
    {
        using var teacher = Distill.Models.ModelStore.Load(Path.Combine(_teacher.Run, "teacher", "best.bin")).Model;
        var before = teacher.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var student = Distill.Models.ModelBuilder.Build(Distill.Models.ModelSpec.Parse("mlp:16"), [1, 12, 12], 10);
        var trainer = new DataFreeTrainer(new DataFreeOptions { Method = "dafl", StepsPerEpoch = 10, BatchNormWeight = 0.1 }, new TrainingOptions { Epochs = 2, BatchSize = 32 });

        var (history, samples) = trainer.Train("student", student, teacher, [1, 12, 12], 10);

        Assert.Equal(2, history.Count);
        Assert.Equal([(long)DataFreeTrainer.KeptSamples, 1, 12, 12], samples.shape);
        Assert.Contains("bn_statistics", history[0].LossTerms.Keys);
        Assert.Contains("activation", history[0].LossTerms.Keys);
        foreach (var pair in teacher.state_dict()) Assert.True(before[pair.Key].eq(pair.Value).all().item<bool>(), $"the teacher's {pair.Key} changed");
        samples.Dispose();
    }

    [Fact]
    public void A_library_run_resumes_from_its_checkpoint_and_refuses_one_written_with_other_options()
    {
        using var teacher = Distill.Models.ModelStore.Load(Path.Combine(_teacher.Run, "teacher", "best.bin")).Model;
        var folder = Directory.CreateDirectory(_teacher.Folder.File("library-checkpoint")).FullName;
        var options = new DataFreeOptions { Method = "zskd", Impressions = 20, ImpressionSteps = 2 };
        var training = new TrainingOptions { Epochs = 2, BatchSize = 10 };
        (IReadOnlyList<EpochRecord> History, Dictionary<string, TorchSharp.torch.Tensor> Weights) Train(DataFreeOptions given, bool resume)
        {
            using var student = Distill.Models.ModelBuilder.Build(Distill.Models.ModelSpec.Parse("mlp:16"), [1, 12, 12], 10);
            var (history, samples) = new DataFreeTrainer(given, training).Train("student", student, teacher, [1, 12, 12], 10, folder, resume);
            samples.Dispose();
            return (history, student.state_dict().ToDictionary(p => p.Key, p => p.Value.clone()));
        }

        var first = Train(options, resume: false);
        var resumed = Train(options, resume: true);
        var other = Assert.Throws<DistillException>(() => Train(options with { Impressions = 30 }, resume: true));

        Assert.Equal(first.History.Select(r => r.TrainLoss), resumed.History.Select(r => r.TrainLoss));
        foreach (var (name, weight) in first.Weights) Assert.True(weight.eq(resumed.Weights[name]).all().item<bool>(), $"the resumed student's {name} differs");
        Assert.EndsWith("was written with other training options; resume with the options the run started with.", other.Message);
    }

    [Fact]
    public void Data_free_students_come_from_an_experiment_file_beside_the_study()
    {
        var file = _teacher.Folder.File("free.json");
        File.WriteAllText(file, $$"""
            {
              "name": "free",
              "data": {{JsonValue.Create(_teacher.Data).ToJsonString()}},
              "validationCount": 100,
              "teacherPath": {{JsonValue.Create(Path.Combine(_teacher.Run, "teacher", "best.bin")).ToJsonString()}},
              "studentSpec": "mlp:16",
              "studentTraining": { "epochs": 1 },
              "dataFree": { "method": "zskd", "impressions": 50, "impressionSteps": 5 }
            }
            """);
        var run = _teacher.Folder.File("run-file");

        var (code, _, errors) = InProcessCli.Run("run", file, "--out", run);

        Assert.True(code == 0, errors);
        Assert.True(File.Exists(Path.Combine(run, "seed-1", DataFreePlan.Folder, SyntheticGallery.FileName)));
        Assert.Contains("Data-free student (zskd, mlp:16)", File.ReadAllText(Path.Combine(run, Distill.Experiments.ExperimentResult.FileName)));
    }

    [Fact]
    public void A_study_plans_its_data_free_student_last_and_refuses_an_onnx_teacher_before_any_work()
    {
        var roles = StudyPlan.Study(new StudyOptions { StudentSpec = "mlp:8", DataFree = new DataFreeOptions { Method = "zskd" } }).Roles;
        var onnx = new StudyOptions { TeacherPath = Path.Combine(AppContext.BaseDirectory, "Golden", "teacher_mlp.onnx"), DataFree = new DataFreeOptions() };

        Assert.Equal(DataFreePlan.Folder, roles[^1].Folder);
        Assert.Equal(TeacherPlan.TeacherFolder, roles[^1].TeacherFolder);
        Assert.Equal("zskd", roles[^1].DataFree!.Method);
        Assert.Contains("is an ONNX model", Assert.Throws<DistillException>(onnx.Validate).Message);
    }

    [Fact]
    public void An_onnx_teacher_is_refused_in_one_sentence()
    {
        var onnx = Path.Combine(AppContext.BaseDirectory, "Golden", "teacher_mlp.onnx");

        var result = InProcessCli.Run("distill", "--teacher", onnx, "--student-spec", "mlp:8", "--data-free", "zskd", "--data-dir", _teacher.Data, "--out", _teacher.Folder.File("onnx"));

        AssertOneLongSentence(result.Code, result.Errors, "is an ONNX model, which gives no gradients with respect to its input, so data-free distillation cannot use it");
    }

    [Fact]
    public void A_TorchScript_teacher_gives_impressions_but_not_its_inner_layers()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Golden", "teacher_cnn.pt");
        var common = new[] { "distill", "--teacher", script, "--student-spec", "mlp:8", "--data-dir", _teacher.Data, "--epochs", "1" };

        var (code, _, errors) = InProcessCli.Run([.. common, "--data-free", "zskd", "--impressions", "20", "--impression-steps", "3", "--out", _teacher.Folder.File("script")]);
        var dafl = InProcessCli.Run([.. common, "--data-free", "dafl", "--steps-per-epoch", "2", "--out", _teacher.Folder.File("script-dafl")]);

        Assert.True(code == 0, errors);
        AssertOneLongSentence(dafl.Code, dafl.Errors, "is TorchScript, whose inner layers Distill cannot read");
    }

    [Theory]
    [InlineData("The option 'dataFree.stepsPerEpoch' must be a whole number from 1 to 1000000, not 0.", "--data-free", "dafl", "--steps-per-epoch", "0")]
    [InlineData("The option 'dataFree.impressionSteps' must be a whole number from 1 to 1000000, not 0.", "--data-free", "zskd", "--impression-steps", "0")]
    [InlineData("The option 'dataFree.impressions' must be a whole number from 1 to 10000000, not 0.", "--data-free", "zskd", "--impressions", "0")]
    [InlineData("Unknown data-free method 'gan'; choose dafl, zskd, deepinversion.", "--data-free", "gan")]
    [InlineData("--impressions sets up data-free distillation, so it needs --data-free dafl, zskd or deepinversion.", "--impressions", "10")]
    [InlineData("A data-free student trains on synthetic batches at a constant learning rate in float32, so its training options cannot include augmentation, a cosine learning-rate schedule; leave them out for the data-free run.",
        "--data-free", "dafl", "--augment", "hflip", "--schedule", "cosine")]
    [InlineData("A data-free student trains on synthetic batches at a constant learning rate in float32, so its training options cannot include bfloat16 precision, early stopping; leave them out for the data-free run.",
        "--data-free", "zskd", "--precision", "bfloat16", "--patience", "2")]
    public void Bad_data_free_options_are_refused_in_one_sentence(string message, params string[] flags)
    {
        var result = InProcessCli.Run(["distill", "--teacher", _teacher.Run, "--student-spec", "mlp:8", "--data-dir", _teacher.Data, "--out", _teacher.Folder.File("bad"), .. flags]);

        AssertOneSentence(result, message);
    }

    [Theory]
    [InlineData("deepinversion")]
    [InlineData("zskd", "--bn-weight", "1")]
    public void The_batch_norm_loss_on_a_teacher_without_batch_norm_is_refused_in_one_sentence(string method, params string[] flags)
    {
        var plain = _teacher.Folder.File("plain-" + method);
        Assert.Equal(0, InProcessCli.Run("train", "--data-dir", _teacher.Data, "--validation", "100", "-m", "mlp:16", "--epochs", "1", "--out", plain).Code);

        var result = InProcessCli.Run(["distill", "--teacher", plain, "--student-spec", "mlp:8", "--data-free", method, "--data-dir", _teacher.Data,
            "--impressions", "10", "--impression-steps", "2", "--out", _teacher.Folder.File("no-bn-" + method), .. flags]);

        AssertOneLongSentence(result.Code, result.Errors, "The batch-norm statistic loss needs a teacher with batch-norm layers, and this teacher has none");
    }
}
