using Distill.Models;
using Distill.Tests.Support;
using static Distill.Tests.Support.Refusal;

namespace Distill.Tests.Reliability;

/// <summary>
/// Round 3 of the hostile-user cases on export: it never writes over a file it reads, however the
/// path is spelt, and replaces an existing file only with --force.
/// </summary>
public sealed class ExportSafetyTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A run folder whose only model is its teacher, as train leaves it.</summary>
    private string TrainRun()
    {
        var run = _folder.File("run");
        var weights = Path.Combine(run, "teacher", "best.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        using var model = ModelBuilder.Build(ModelSpec.Parse("mlp:16"), [1, 12, 12], 10);
        ModelStore.Save(model, new ModelCard("mlp:16", [1, 12, 12], 10, ModelBuilder.CountParameters(model), "mnist", "teacher"), weights);
        return run;
    }

    private static void AssertRefused((int Code, string Output, string Errors) result, string expected)
    {
        AssertOneSentence(result, expected);
        Assert.Single(result.Errors.Trim().Split('\n'));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Export_never_writes_over_the_weights_it_reads_even_with_force(bool force)
    {
        var run = TrainRun();
        var weights = Path.Combine(run, "teacher", "best.bin");
        var before = File.ReadAllBytes(weights);
        string[] args = ["export", run, "--format", "onnx", "-o", weights];

        AssertRefused(InProcessCli.Run(force ? [.. args, "--force"] : args), "which this command reads");

        Assert.Equal(before, File.ReadAllBytes(weights));
        Assert.Equal(0, InProcessCli.Run("export", run, "-o", _folder.File("ok.onnx")).Code);
    }

    [Fact]
    public void Export_never_writes_over_the_weights_through_a_symlink_or_another_spelling()
    {
        var run = TrainRun();
        var weights = Path.Combine(run, "teacher", "best.bin");
        var before = File.ReadAllBytes(weights);
        var link = _folder.File("link");
        Directory.CreateSymbolicLink(link, Path.Combine(run, "teacher"));

        AssertRefused(InProcessCli.Run("export", run, "-o", Path.Combine(link, "best.bin"), "--force"), "which this command reads");
        AssertRefused(InProcessCli.Run("export", weights, "-o", Path.Combine(run, "teacher", "..", "teacher", "best.json"), "--force"), "which this command reads");

        Assert.Equal(before, File.ReadAllBytes(weights));
    }

    [Fact]
    public void Export_refuses_an_existing_output_without_force_and_replaces_it_with_force()
    {
        var run = TrainRun();
        var output = _folder.File("model.onnx");
        File.WriteAllText(output, "an earlier file the user keeps");

        AssertRefused(InProcessCli.Run("export", run, "-o", output), "already exists; pass --force");
        Assert.Equal("an earlier file the user keeps", File.ReadAllText(output));

        var (code, _, errors) = InProcessCli.Run("export", run, "-o", output, "--force");
        Assert.True(code == 0, errors);
        Assert.NotEqual("an earlier file the user keeps", File.ReadAllText(output));
    }
}
