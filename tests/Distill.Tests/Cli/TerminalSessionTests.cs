using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// The main commands on a real (pseudo-)terminal at 80 and 120 columns: they finish, draw live
/// progress, and nothing they show is wider than the terminal. Piped output is tested elsewhere;
/// a terminal once crashed every training command (a progress row without a name).
/// </summary>
public sealed class TerminalSessionTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly string _data;

    public TerminalSessionTests()
    {
        _data = Path.Combine(_folder.Path, "data");
        SyntheticIdx.WriteDataset(_data, trainCount: 300, testCount: 100);
    }

    public void Dispose() => _folder.Dispose();

    private string[] Tiny(string command, string run, params string[] more) =>
        [command, "--data", _data, "--validation", "50", "--out", _folder.File(run), .. more];

    public static TheoryData<int, string> Commands() => new()
    {
        { 80, "quickstart" },
        { 120, "quickstart" },
        { 80, "compare" },
        { 120, "train" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_training_command_on_a_terminal_finishes_with_live_progress_and_fits_the_width(int columns, string command)
    {
        var args = command == "train"
            ? Tiny(command, $"{command}-{columns}", "--model", "mlp:16", "--epochs", "2")
            : Tiny(command, $"{command}-{columns}", "--teacher-spec", "mlp:16", "--student-spec", "mlp:8", "--teacher-epochs", "1", "--student-epochs", "2");

        var (code, screen) = TerminalSession.Run(columns, args);

        Assert.True(code == 0, screen);
        AssertLiveAndFitting(screen, columns);
        Assert.Contains(TerminalSession.Rows(screen), row => row.Contains(command == "train" ? "Teacher" : "Student (distilled)"));
    }

    [Fact]
    public void Distill_from_a_saved_teacher_on_a_terminal_finishes_with_live_progress_and_fits_80_columns()
    {
        var (code, screen) = TerminalSession.Run(120, Tiny("train", "teacher", "--model", "mlp:16", "--epochs", "1"));
        Assert.True(code == 0, screen);

        (code, screen) = TerminalSession.Run(80, Tiny("distill", "student", "--teacher", _folder.File("teacher"), "--student-spec", "mlp:8", "--epochs", "2"));

        Assert.True(code == 0, screen);
        AssertLiveAndFitting(screen, 80);
        Assert.Contains(TerminalSession.Rows(screen), row => row.Contains("Student (distilled)"));
    }

    private static void AssertLiveAndFitting(string screen, int columns)
    {
        Assert.True(TerminalSession.Redrew(screen), "no live display was drawn:\n" + screen);
        var rows = TerminalSession.Rows(screen);
        Assert.Contains(rows, row => row.Contains("100%"));
        Assert.Contains(rows, row => row.Contains(" epoch 2/2") || row.Contains(" epoch 1/1"));
        Assert.DoesNotContain(rows, row => row.Contains("error:"));
        Assert.All(rows, row => Assert.True(row.TrimEnd().Length <= columns, $"{row.TrimEnd().Length} > {columns}: {row}"));
    }
}
