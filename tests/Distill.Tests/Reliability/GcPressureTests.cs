using Distill.Tests.Support;

namespace Distill.Tests.Reliability;

/// <summary>
/// The distill process under a startup hook that collects garbage and runs finalizers without pause
/// (tests/GcPressure): a TorchSharp tensor or scalar that nothing holds while libtorch reads it is then
/// freed under it at once. Before the fix, the quickstart died in its first step this way ("Unknown
/// scalar type" from a finalized scalar; a segfault from a chained temporary) where a normal run hit
/// it about once in four. Under the pressure a run must finish with exactly the results it has without.
/// The child runs without tiered compilation, so every method is optimized from its first call (only
/// optimized code lets an object die while a call it handed to libtorch still runs); at b6d3c62 this
/// test failed with "Unknown scalar type".
/// </summary>
public sealed class GcPressureTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Hook => Path.Combine(AppContext.BaseDirectory, "GcPressure.dll");

    [Fact]
    public void A_comparison_with_augmentation_and_feature_distillation_under_constant_collection_matches_the_run_without()
    {
        var data = _folder.File("data");
        SyntheticIdx.WriteDataset(data, trainCount: 600, testCount: 200);
        string[] Args(string run) => ["compare", "--data-dir", data, "--out", _folder.File(run), "--validation", "100",
            "--teacher-spec", "cnn:c8-relu-mp2-fc16", "--student-spec", "cnn:c4-relu-mp2-fc8", "--teacher-epochs", "2", "--student-epochs", "2",
            "--teacher-augment", "rotate:10,hflip", "--student-augment", "rotate:10,hflip", "--method", "kd+fitnets"];

        var (plainCode, plainErrors) = CliProcess.Run(Args("plain"));
        Assert.True(plainCode == 0, plainErrors);
        var (code, errors) = CliProcess.RunIn(null, new Dictionary<string, string> { ["DOTNET_STARTUP_HOOKS"] = Hook, ["DOTNET_TieredCompilation"] = "0" }, TimeSpan.FromMinutes(5), Args("pressed"));

        Assert.True(code == 0, $"exit {code} under constant collection: {errors}");
        Assert.Equal(Weights(_folder.File("plain")), Weights(_folder.File("pressed")));
    }

    /// <summary>Every model's best weights, by folder: training is deterministic, so the bytes must match.</summary>
    private static string Weights(string run)
    {
        var weights = Directory.GetFiles(run, "best.bin", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.True(weights.Count >= 3, $"{run} holds {weights.Count} trained models");
        return string.Join("\n", weights.Select(w => Path.GetRelativePath(run, w) + " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(w)))));
    }
}
