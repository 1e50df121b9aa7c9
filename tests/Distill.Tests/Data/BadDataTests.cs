using Distill.Data;
using Distill.Tests.Support;

namespace Distill.Tests.Data;

/// <summary>Every bad input is one sentence naming the file, row or column: a DistillException, never a stack trace.</summary>
public sealed class BadDataTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Refusal(string path, DataFormat? format = null, string label = "label")
    {
        var error = Assert.ThrowsAny<DistillException>(() =>
            DataSources.Load(new DataRequest { Path = path, Format = format, LabelColumn = label }).Dispose());
        Assert.DoesNotContain('\n', error.Message);
        Assert.EndsWith(".", error.Message);
        return error.Message;
    }

    [Fact]
    public void A_truncated_cifar_file_is_named()
    {
        var folder = _folder.File("cifar");
        SyntheticCifar.WriteCifar10(folder, perBatch: 10, batches: 2, testCount: 10);
        var batch = Path.Combine(folder, "data_batch_2.bin");
        File.WriteAllBytes(batch, File.ReadAllBytes(batch)[..5000]);

        var message = Refusal(folder);

        Assert.Contains("data_batch_2.bin", message);
        Assert.Contains("truncated", message);
    }

    [Fact]
    public void A_cifar_label_outside_the_classes_is_named_with_its_record()
    {
        var folder = _folder.File("cifar");
        SyntheticCifar.WriteCifar10(folder, perBatch: 10, batches: 1, testCount: 10);
        var test = Path.Combine(folder, "test_batch.bin");
        var bytes = File.ReadAllBytes(test);
        bytes[3 * 3073] = 42;
        File.WriteAllBytes(test, bytes);

        var message = Refusal(folder);

        Assert.Contains("test_batch.bin", message);
        Assert.Contains("record 3", message);
    }

    [Fact]
    public void A_corrupt_image_is_named()
    {
        var folder = _folder.File("images");
        SyntheticImages.WriteFlat(folder, perClass: 4);
        var broken = Path.Combine(folder, "dog", "001.jpg");
        File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);

        Assert.Contains("001.jpg", Refusal(folder));
    }

    [Fact]
    public void A_truncated_png_is_named()
    {
        var folder = _folder.File("images");
        SyntheticImages.WriteFlat(folder, perClass: 4, formats: ["png"]);
        var broken = Path.Combine(folder, "owl", "002.png");
        File.WriteAllBytes(broken, File.ReadAllBytes(broken)[..60]);

        Assert.Contains("002.png", Refusal(folder));
    }

    [Fact]
    public void An_empty_class_folder_is_named()
    {
        var folder = _folder.File("images");
        SyntheticImages.WriteFlat(folder, perClass: 4);
        Directory.CreateDirectory(Path.Combine(folder, "yak"));

        var message = Refusal(folder);

        Assert.Contains("yak", message);
        Assert.Contains("no PNG, JPEG or BMP", message);
    }

    [Fact]
    public void An_image_folder_with_one_class_is_refused()
    {
        var folder = _folder.File("images");
        SyntheticImages.WriteFlat(folder, perClass: 4);
        foreach (var name in SyntheticImages.ClassNames.Skip(1)) Directory.Delete(Path.Combine(folder, name), recursive: true);

        Assert.Contains("at least 2", Refusal(folder, DataFormat.Images));
    }

    [Fact]
    public void A_non_numeric_csv_cell_names_its_line_and_column()
    {
        var path = _folder.File("t.csv");
        File.WriteAllText(path, "label,a,b\nx,1,2\ny,3,oops\n");

        var message = Refusal(path);

        Assert.Contains("line 3", message);
        Assert.Contains("column 'b'", message);
        Assert.Contains("'oops'", message);
    }

    [Fact]
    public void A_missing_label_column_lists_the_columns()
    {
        var path = _folder.File("t.csv");
        File.WriteAllText(path, "kind,a,b\nx,1,2\ny,3,4\n");

        var message = Refusal(path);

        Assert.Contains("no column 'label'", message);
        Assert.Contains("kind, a, b", message);
        Assert.Contains("--label-column", message);
    }

    [Fact]
    public void A_csv_with_one_class_is_refused()
    {
        var path = _folder.File("t.csv");
        File.WriteAllText(path, "label,a\nx,1\nx,2\nx,3\n");

        Assert.Contains("at least 2 classes", Refusal(path));
    }

    [Fact]
    public void A_csv_row_with_missing_fields_is_named()
    {
        var path = _folder.File("t.csv");
        File.WriteAllText(path, "label,a,b\nx,1,2\ny,3\n");

        Assert.Contains("line 3 has 2 fields", Refusal(path));
    }

    [Fact]
    public void A_path_of_no_known_format_says_what_is_expected()
    {
        Directory.CreateDirectory(_folder.File("empty"));

        Assert.Contains("--format", Refusal(_folder.File("empty")));
        Assert.Contains("does not exist", Refusal(_folder.File("nowhere")));
    }
}
