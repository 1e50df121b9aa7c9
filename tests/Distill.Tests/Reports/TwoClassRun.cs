using Distill.Tests.Support;

namespace Distill.Tests.Reports;

/// <summary>
/// One tiny two-class study (cat and dog image folders, as a chest X-ray set has NORMAL and PNEUMONIA),
/// run once through `distill compare` for every test of the report that reads it.
/// </summary>
public sealed class TwoClassRun : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public TwoClassRun()
    {
        var images = _folder.File("images");
        SyntheticImages.WriteSplit(images, trainPerClass: 30, testPerClass: 12, colour: true, classes: 2);
        Folder = _folder.File("run");
        var (code, _, errors) = InProcessCli.Run("compare", "--data", images, "--image-size", "12", "--out", Folder,
            "--teacher-spec", "cnn:c4-relu-mp2-fc16-relu", "--student-spec", "mlp:8", "--teacher-epochs", "2", "--student-epochs", "1",
            "--teacher-batch-size", "16", "--student-batch-size", "16");
        if (code != 0) throw new InvalidOperationException("The two-class compare run failed: " + errors);
    }

    public string Folder { get; }

    public string Html => System.IO.File.ReadAllText(Path.Combine(Folder, "report.html"));

    public string File(string name) => _folder.File(name);

    public void Dispose() => _folder.Dispose();
}
