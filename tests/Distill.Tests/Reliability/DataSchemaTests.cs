using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// A saved model meets data laid out differently from its training data (issue 23, defect 3): the
/// same columns in another order are re-ordered by name with a note and score as before; a renamed
/// column, label or class folder is refused in one sentence naming it, for eval, for a teacher run
/// in distill and compare, and for export's calibration; a card from before the schema still loads.
/// </summary>
public sealed class DataSchemaTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _table;
    private readonly string _run;

    public DataSchemaTests()
    {
        _table = _folder.File("flowers.csv");
        SyntheticTable.Write(_table, rows: 300);
        _run = _folder.File("run");
    }

    public void Dispose() => _folder.Dispose();

    private string TrainOnTable()
    {
        var (code, _, errors) = InProcessCli.Run("train", "--data", _table, "--label-column", "species", "-m", "mlp:16", "--epochs", "3",
            "--batch-size", "16", "--out", _run);
        Assert.True(code == 0, errors);
        return Path.Combine(_run, "teacher", "best.bin");
    }

    /// <summary>The table with its columns in another order (rows unchanged).</summary>
    private string Reordered()
    {
        string[] order = ["noise", "depth", "species", "width", "height"];
        var lines = File.ReadAllLines(_table);
        var header = lines[0].Split(',');
        var positions = order.Select(name => Array.IndexOf(header, name)).ToArray();
        var path = _folder.File("reordered.csv");
        File.WriteAllLines(path, lines.Select(line => string.Join(",", positions.Select(p => line.Split(',')[p]))));
        return path;
    }

    private string Edited(string name, Func<string, string> edit)
    {
        var path = _folder.File(name);
        File.WriteAllText(path, edit(File.ReadAllText(_table)));
        return path;
    }

    private static double EvalAccuracy(string output) => JsonDocument.Parse(output).RootElement.GetProperty("accuracy").GetDouble();

    [Fact]
    public void Eval_reads_a_table_with_the_columns_in_another_order_by_name_and_scores_the_same()
    {
        var model = TrainOnTable();
        var (code, original, errors) = InProcessCli.Run("eval", model, "--data", _table, "--json");
        Assert.True(code == 0, errors);

        (code, var reordered, errors) = InProcessCli.Run("eval", model, "--data", Reordered(), "--json");

        Assert.True(code == 0, errors);
        Assert.Contains("re-ordered by name", errors);
        Assert.Equal(EvalAccuracy(original), EvalAccuracy(reordered), 6);
        var card = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(model, ".json")))!;
        Assert.Equal(["width", "height", "depth", "noise"], card["columns"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public void Eval_refuses_a_table_with_a_renamed_label_naming_the_class()
    {
        var model = TrainOnTable();

        var (code, _, errors) = InProcessCli.Run("eval", model, "--data", Edited("renamed.csv", t => t.Replace("virginica", "virginia")), "--json");

        AssertOneSentence(code, errors, "Class 'virginica' of the model");
        Assert.Contains("is missing from the data 'renamed'", errors);
    }

    [Fact]
    public void Eval_refuses_a_table_with_a_renamed_column_naming_it()
    {
        var model = TrainOnTable();

        var (code, _, errors) = InProcessCli.Run("eval", model, "--data", Edited("renamed.csv", t => t.Replace("height", "heigth")));

        AssertOneSentence(code, errors, "The data 'renamed' has no column 'height', which the model");
    }

    [Fact]
    public void Eval_refuses_an_image_folder_with_a_renamed_class_folder()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteFlat(images, perClass: 12);
        var (code, _, errors) = InProcessCli.Run("train", "--data", images, "--image-size", "12", "-m", "mlp:8", "--epochs", "1", "--out", _run);
        Assert.True(code == 0, errors);
        Directory.Move(Path.Combine(images, "fox"), Path.Combine(images, "wolf"));

        (code, _, errors) = InProcessCli.Run("eval", _run, "--data", images);

        AssertOneSentence(code, errors, "Class 'fox' of the model");
    }

    [Fact]
    public void Distill_from_a_teacher_run_refuses_data_with_a_renamed_label()
    {
        TrainOnTable();

        var (code, _, errors) = InProcessCli.Run("distill", "--teacher", _run, "-s", "mlp:8", "--data", Edited("renamed.csv", t => t.Replace("setosa", "Setosa")),
            "--label-column", "species", "--epochs", "1", "--out", _folder.File("student"));

        AssertOneSentence(code, errors, "Class 'setosa' of the teacher");
    }

    [Fact]
    public void Compare_with_a_teacher_run_refuses_data_missing_one_of_its_columns()
    {
        TrainOnTable();
        var dropped = Edited("dropped.csv", t => string.Join("\n", t.Split('\n').Select(l => l.Contains(',') ? l[..l.LastIndexOf(',')] : l)));

        var (code, _, errors) = InProcessCli.Run("compare", "--teacher", _run, "--student-spec", "mlp:8", "--data", dropped,
            "--label-column", "species", "--student-epochs", "1", "--out", _folder.File("study"));

        AssertOneSentence(code, errors, "The data 'dropped' has no column 'noise', which the teacher");
    }

    [Fact]
    public void Distill_from_a_teacher_run_reads_reordered_columns_in_the_teachers_order()
    {
        var teacher = TrainOnTable();
        var (code, original, errors) = InProcessCli.Run("eval", teacher, "--data", _table, "--json");
        Assert.True(code == 0, errors);
        var student = _folder.File("student");

        (code, var output, errors) = InProcessCli.Run("distill", "--teacher", _run, "-s", "mlp:8", "--data", Reordered(),
            "--label-column", "species", "--epochs", "1", "--out", student, "--json");

        Assert.True(code == 0, errors);
        Assert.Contains("re-ordered by name", errors);
        var loaded = JsonDocument.Parse(output).RootElement.GetProperty("teacher");
        Assert.Equal(EvalAccuracy(original), loaded.GetProperty("testAccuracy").GetDouble(), 6);
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(student, "distilled", "best.json")))!;
        Assert.Equal("width", card["columns"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Export_refuses_to_calibrate_on_data_with_a_renamed_label()
    {
        var model = TrainOnTable();

        var (code, _, errors) = InProcessCli.Run("export", model, "--int8", "--data", Edited("renamed.csv", t => t.Replace("versicolor", "versicolour")),
            "-o", _folder.File("model.onnx"));

        AssertOneSentence(code, errors, "Class 'versicolor' of the model");
    }

    [Fact]
    public void A_card_written_before_columns_and_class_names_were_recorded_still_loads_with_a_note()
    {
        var model = TrainOnTable();
        var (code, original, errors) = InProcessCli.Run("eval", model, "--data", _table, "--json");
        Assert.True(code == 0, errors);
        var cardPath = Path.ChangeExtension(model, ".json");
        var card = JsonNode.Parse(File.ReadAllText(cardPath))!.AsObject();
        card.Remove("columns");
        card.Remove("classNames");
        File.WriteAllText(cardPath, card.ToJsonString());

        (code, var output, errors) = InProcessCli.Run("eval", model, "--data", _table, "--json");

        Assert.True(code == 0, errors);
        Assert.Equal(EvalAccuracy(original), EvalAccuracy(output), 6);
        Assert.Contains("cannot be checked", errors);
    }
}
