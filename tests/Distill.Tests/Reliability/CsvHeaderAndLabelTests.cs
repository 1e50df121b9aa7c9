using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// CSV tables that read as something other than what they say (issue 23): a column name used twice,
/// and one class label written as two numbers ('1' and '01'), are refused at load in one sentence
/// naming the column or both labels.
/// </summary>
public sealed class CsvHeaderAndLabelTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Table(string header, Func<int, string> row, int rows = 60)
    {
        var path = _folder.File("table.csv");
        File.WriteAllLines(path, [header, .. Enumerable.Range(0, rows).Select(row)]);
        return path;
    }

    [Fact]
    public void A_column_named_twice_is_refused_naming_the_column()
    {
        var table = Table("width,label,height,width", i => $"{i % 7},{i % 2},{i % 5},{i % 3}");

        AssertOneSentence(InProcessCli.Run("data", "inspect", table), "'width'", "twice");
    }

    [Fact]
    public void A_label_column_named_twice_is_refused_before_training()
    {
        var table = Table("label,x,label", i => $"{i % 2},{i % 7},{i % 3}");
        var run = _folder.File("run");

        AssertOneSentence(InProcessCli.Run("train", "-m", "mlp:8", "--data", table, "--epochs", "1", "--out", run), "'label'", "twice");
    }

    [Fact]
    public void Labels_1_and_01_are_refused_as_one_number_written_two_ways()
    {
        var table = Table("x,y,label", i => $"{i % 7},{i % 5},{(i % 3 == 0 ? "01" : i % 3 == 1 ? "1" : "2")}");

        AssertOneSentence(InProcessCli.Run("data", "inspect", table), "'1'", "'01'");
    }

    [Fact]
    public void Distinct_word_labels_and_plain_integers_still_load()
    {
        var words = _folder.File("words.csv");
        SyntheticTable.Write(words, rows: 60);
        var numbers = Table("x,y,label", i => $"{i % 7},{i % 5},{i % 3}");

        Assert.Equal(0, InProcessCli.Run("data", "inspect", words, "--label-column", "species").Code);
        Assert.Equal(0, InProcessCli.Run("data", "inspect", numbers).Code);
    }
}
