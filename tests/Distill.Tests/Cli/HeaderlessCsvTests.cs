using System.Text.Json;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// --no-header: a CSV file whose first row is data has columns c1..cN, the label the last column
/// unless --label-column says cN or N, and the model card records it so eval reads the file the same way.
/// </summary>
public sealed class HeaderlessCsvTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The synthetic table without its header row, label moved to <paramref name="labelAt"/> (0-based; -1: last).</summary>
    private string Headerless(int labelAt)
    {
        var named = _folder.File("named.csv");
        SyntheticTable.Write(named, rows: 300);
        var rows = File.ReadAllLines(named).Skip(1).Select(line =>
        {
            var cells = line.Split(',').ToList();
            var label = cells[1];
            cells.RemoveAt(1);
            cells.Insert(labelAt < 0 ? cells.Count : labelAt, label);
            return string.Join(',', cells);
        });
        var path = _folder.File($"headerless-{labelAt}.csv");
        File.WriteAllLines(path, rows);
        return path;
    }

    [Fact]
    public void The_last_column_is_the_label_and_eval_reads_the_file_as_training_did()
    {
        var table = Headerless(labelAt: -1);
        var run = _folder.File("run");

        var (code, output, errors) = InProcessCli.Run("train", "--data", table, "--no-header", "-m", "mlp:16", "--epochs", "3",
            "--batch-size", "16", "--out", run, "--json");

        Assert.True(code == 0, errors);
        var accuracy = JsonDocument.Parse(output).RootElement.GetProperty("teacher").GetProperty("testAccuracy").GetDouble();
        Assert.True(accuracy > 0.6, $"accuracy {accuracy} is not above chance (0.33)");
        var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "teacher", "best.json"))).RootElement;
        Assert.False(card.GetProperty("hasHeader").GetBoolean());
        Assert.Equal("c5", card.GetProperty("labelColumn").GetString());
        Assert.Equal(["c1", "c2", "c3", "c4"], card.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("setosa", card.GetProperty("classNames")[0].GetString());

        (code, var evaluated, errors) = InProcessCli.Run("eval", run, "--data", table, "--json");

        Assert.True(code == 0, errors);
        Assert.Equal(accuracy, JsonDocument.Parse(evaluated).RootElement.GetProperty("accuracy").GetDouble(), 6);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("c2")]
    public void The_label_column_is_named_by_its_number_or_cN(string labelColumn)
    {
        var (code, output, errors) = InProcessCli.Run("data", "inspect", Headerless(labelAt: 1), "--no-header", "--label-column", labelColumn, "--json");

        Assert.True(code == 0, errors);
        Assert.Contains("versicolor", output);
        Assert.Contains("\"c3\"", output);
        Assert.DoesNotContain("\"c2\"", output);
    }

    [Fact]
    public void A_label_column_past_the_last_is_refused_with_the_column_count()
    {
        var (code, _, errors) = InProcessCli.Run("data", "inspect", Headerless(labelAt: -1), "--no-header", "--label-column", "9");

        Assert.Equal(Distill.Cli.CliApplication.UserError, code);
        Assert.Contains("has 5 columns (c1..c5), so there is no column 'c9'", errors);
    }

    [Fact]
    public void Without_no_header_the_first_row_of_such_a_file_is_taken_as_names_and_the_label_is_not_found()
    {
        var (code, _, errors) = InProcessCli.Run("data", "inspect", Headerless(labelAt: -1));

        Assert.Equal(Distill.Cli.CliApplication.UserError, code);
        Assert.Contains("no column 'label'", errors);
    }
}
