using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.DataFree;

/// <summary>
/// A data-free run needs only the data its student is tested on: an IDX folder with only the t10k files, an
/// image folder or a CSV file of test rows alone, a CIFAR folder with only its test batch. Beside them, training
/// files are not read (garbage in their place changes nothing), and the student is the same to the byte as
/// the one a full folder gives. What a data-free run cannot use is refused in one sentence.
/// </summary>
public sealed class DataFreeTestOnlyDataTests : IClassFixture<DataFreeCliTests.Teacher>
{
    private readonly DataFreeCliTests.Teacher _teacher;

    public DataFreeTestOnlyDataTests(DataFreeCliTests.Teacher teacher) => _teacher = teacher;

    private (int Code, string Output, string Errors) Distil(string teacher, string data, string run, params string[] flags) =>
        InProcessCli.Run(["distill", "--teacher", teacher, "--student-spec", "mlp:16", "--data-free", "zskd", "--data-dir", data, "--epochs", "1",
            "--impressions", "40", "--impression-steps", "5", "--batch-size", "20", "--out", run, .. flags]);

    private string TestFilesOnly(string name)
    {
        var folder = Directory.CreateDirectory(_teacher.Folder.File(name)).FullName;
        foreach (var file in new[] { DatasetInfo.TestImages, DatasetInfo.TestLabels }) File.Copy(Path.Combine(_teacher.Data, file), Path.Combine(folder, file));
        return folder;
    }

    private static JsonNode Results(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!;

    private static byte[] Student(string run) => File.ReadAllBytes(Path.Combine(run, "distilled", "best.bin"));

    [Fact]
    public void A_folder_with_only_the_test_files_gives_the_student_that_the_full_folder_gives_and_training_files_are_never_read()
    {
        var testOnly = TestFilesOnly("t10k-only");
        // The training files replaced by bytes no reader accepts: a run that opened them would fail.
        var garbage = TestFilesOnly("garbage-training-files");
        foreach (var file in new[] { DatasetInfo.TrainImages, DatasetInfo.TrainLabels }) File.WriteAllText(Path.Combine(garbage, file), "not an IDX file");
        var runs = new[] { (_teacher.Data, "full"), (testOnly, "test-only"), (garbage, "garbage") }.Select(p => (Data: p.Item1, Run: _teacher.Folder.File("from-" + p.Item2))).ToList();

        foreach (var (data, run) in runs)
        {
            var (code, _, errors) = Distil(_teacher.Run, data, run);
            Assert.True(code == 0, errors);
            Assert.Contains("Reading the 200 test rows alone", errors);
        }

        foreach (var (_, run) in runs.Skip(1))
        {
            Assert.Equal(RunRecords.Accuracies(runs[0].Run), RunRecords.Accuracies(run));
            Assert.True(Student(runs[0].Run).SequenceEqual(Student(run)), $"the student of {run} differs from the full folder's");
        }
        foreach (var (_, run) in runs)
        {
            Assert.Equal(200, Results(run)["testCount"]!.GetValue<int>());
            Assert.Equal(0, Results(run)["validationCount"]!.GetValue<int>());
            Assert.Contains("no training or validation rows read", File.ReadAllText(Path.Combine(run, "summary.md")));
        }
    }

    [Fact]
    public void An_image_folder_of_class_folders_is_every_image_test_data()
    {
        var images = IdxReader.ReadImages(Path.Combine(_teacher.Data, DatasetInfo.TestImages));
        var labels = IdxReader.ReadLabels(Path.Combine(_teacher.Data, DatasetInfo.TestLabels));
        var folder = _teacher.Folder.File("test-images");
        var side = images.Rows * images.Columns;
        for (var i = 0; i < images.Count; i++)
        {
            var classFolder = Directory.CreateDirectory(Path.Combine(folder, labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
            SyntheticImages.Write(Path.Combine(classFolder, $"{i:D3}.png"), images.Pixels[(i * side)..((i + 1) * side)], images.Rows, colour: false, "png");
        }
        var (fromIdx, fromImages) = (_teacher.Folder.File("images-idx"), _teacher.Folder.File("images-folder"));

        var idx = Distil(_teacher.Run, TestFilesOnly("images-t10k"), fromIdx);
        var (code, _, errors) = Distil(_teacher.Run, folder, fromImages);

        Assert.True(idx.Code == 0, idx.Errors);
        Assert.True(code == 0, errors);
        Assert.Equal(images.Count, Results(fromImages)["testCount"]!.GetValue<int>());
        // The same pixels, standardised with the teacher's statistics: the same test accuracy as from the IDX files.
        Assert.Equal(RunRecords.Accuracies(fromIdx), RunRecords.Accuracies(fromImages));
        Assert.True(Student(fromIdx).SequenceEqual(Student(fromImages)), "the student depends on the teacher alone, not on the format of the test set");
    }

    [Fact]
    public void A_csv_file_read_for_its_test_part_is_every_row_unless_a_model_learnt_from_its_split()
    {
        // Data-free distillation makes images, so it refuses a table's teacher; the reader's rule is the same for every format.
        var table = _teacher.Folder.File("flowers.csv");
        SyntheticTable.Write(table, rows: 300);
        var request = new DataRequest { Path = table, LabelColumn = "species", Seed = 4, Normalize = InputNormalization.None };
        using var full = DataSources.Load(request);

        using var rows = DataSources.Load(request with { TestOnly = true });
        using var share = DataSources.Load(request with { TestOnly = true, HeldOutFrom = ("flowers", 4), Seed = 1 });
        using var other = DataSources.Load(request with { TestOnly = true, HeldOutFrom = ("another-table", 4) });

        Assert.Equal(300, rows.Test.Count);
        Assert.Equal(300, other.Test.Count);
        Assert.Equal(0, rows.Train.Count);
        // The split of seed 4, whatever the request's own seed: the rows the model learnt from stay out.
        Assert.Equal(full.Test.Features.shape, share.Test.Features.shape);
        Assert.True(full.Test.Features.eq(share.Test.Features).all().item<bool>(), "the held-out share differs from the split's test part");
        Assert.True(full.Test.Labels.eq(share.Test.Labels).all().item<bool>());
        Assert.Null(share.Validation);
    }

    [Fact]
    public void An_image_folder_read_for_its_test_part_opens_no_training_image()
    {
        var split = _teacher.Folder.File("pictures-split");
        SyntheticImages.WriteSplit(split, trainPerClass: 6, testPerClass: 5);
        // Training images no decoder accepts: probing or decoding one would fail the read.
        foreach (var file in Directory.GetFiles(Path.Combine(split, "train"), "*", SearchOption.AllDirectories)) File.WriteAllText(file, "not an image");
        var flat = _teacher.Folder.File("pictures");
        SyntheticImages.WriteFlat(flat, perClass: 10);
        var request = new DataRequest { Path = flat, Seed = 4, Normalize = InputNormalization.None };
        using var full = DataSources.Load(request);

        using var test = DataSources.Load(new DataRequest { Path = split, TestOnly = true });
        using var every = DataSources.Load(request with { TestOnly = true });
        using var share = DataSources.Load(request with { TestOnly = true, HeldOutFrom = ("pictures", 4), Seed = 1 });

        Assert.Equal(4 * 5, test.Test.Count);
        Assert.Equal(SyntheticImages.ClassNames, test.Info.ClassNames);
        Assert.Equal(4 * 10, every.Test.Count);
        Assert.Equal(full.Test.Count, share.Test.Count);
        Assert.True(full.Test.Labels.eq(share.Test.Labels).all().item<bool>(), "the held-out share differs from the split's test part");
    }

    [Fact]
    public void A_TorchScript_teacher_on_an_unknown_set_has_the_test_set_standardised_with_its_own_inputs_statistics()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Golden", "teacher_cnn.pt");
        var data = TestFilesOnly("script-t10k");
        var run = _teacher.Folder.File("script-statistics");

        var (code, _, errors) = Distil(script, data, run, "--dataset", "blocks");

        Assert.True(code == 0, errors);
        Assert.Contains("standardised with their own inputs' statistics (labels unused)", errors);
        var pixels = IdxReader.ReadImages(Path.Combine(data, DatasetInfo.TestImages)).Pixels;
        var mean = pixels.Average(p => p / 255.0);
        Assert.Equal(mean, Distill.Models.ModelStore.ReadCard(Path.Combine(run, "distilled", "best.bin")).Normalization!.Mean[0], 6);
    }

    [Fact]
    public void A_cifar_folder_with_only_its_test_batch_is_read_for_a_data_free_run()
    {
        var folder = _teacher.Folder.File("cifar-test-only");
        SyntheticCifar.WriteCifar10(folder, testCount: 30);
        foreach (var batch in Directory.GetFiles(folder, "data_batch_*.bin")) File.Delete(batch);
        var request = new DataRequest { Path = folder, TestOnly = true };

        using (var loaded = DataSources.Load(request))
        {
            Assert.Equal(DataFormat.Cifar, loaded.Info.Format);
            Assert.Equal(30, loaded.Test.Count);
            Assert.Equal(0, loaded.Train.Count);
            Assert.Equal([3L, 32, 32], loaded.Test.SampleShape);
        }
        Assert.Contains("has no training batches", Assert.Throws<DataFormatException>(() => DataSources.Load(request with { TestOnly = false })).Message);
        var hundred = _teacher.Folder.File("cifar-100-test-only");
        SyntheticCifar.WriteCifar100(hundred, testCount: 25);
        File.Delete(Path.Combine(hundred, "train.bin"));
        using var fine = DataSources.Load(new DataRequest { Path = hundred, TestOnly = true });
        Assert.Equal(("cifar-100", 100, 25L), (fine.Info.Name, fine.Info.ClassCount, fine.Test.Count));
    }

    [Theory]
    [InlineData("A data-free student reads no validation row (its last epoch is the one kept), so --validation 100 cannot apply; leave it out.", "--validation", "100")]
    [InlineData("A data-free student reads no training row, so --data-free cannot be combined with --tune, --exclude-classes, --transfer or --labeled-fraction.", "--labeled-fraction", "0.5")]
    public void Options_that_need_training_or_validation_rows_are_refused_in_one_sentence(string message, params string[] flags)
    {
        var run = _teacher.Folder.File("refused");

        var result = Distil(_teacher.Run, TestFilesOnly("refused-t10k-" + flags[0].Trim('-')), run, flags);

        AssertOneSentence(result, message);
        Assert.False(Directory.Exists(run), "the run started before the refusal");
    }

    [Fact]
    public void Test_files_alone_are_refused_in_one_sentence_for_a_run_that_trains_and_so_is_a_folder_without_them_for_a_data_free_run()
    {
        var noTraining = InProcessCli.Run("train", "--data-dir", TestFilesOnly("train-on-t10k"), "-m", "mlp:8", "--epochs", "1", "--out", _teacher.Folder.File("no-training"));
        var trainingOnly = Directory.CreateDirectory(_teacher.Folder.File("train-files-only")).FullName;
        foreach (var file in new[] { DatasetInfo.TrainImages, DatasetInfo.TrainLabels }) File.Copy(Path.Combine(_teacher.Data, file), Path.Combine(trainingOnly, file));

        var noTest = Distil(_teacher.Run, trainingOnly, _teacher.Folder.File("no-test"));

        AssertOneSentence(noTraining, $"has no '{DatasetInfo.TrainImages}' (nor '{DatasetInfo.TrainImages}.gz').");
        AssertOneSentence(noTest, $"has no '{DatasetInfo.TestImages}' (nor '{DatasetInfo.TestImages}.gz').");
    }
}
