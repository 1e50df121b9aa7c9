using Distill.Teachers;
using Distill.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

/// <summary>
/// Seeded mutations of a valid ONNX teacher (bit flips, byte overwrites, truncations, garbage)
/// fed to the whole load path: parse, ONNX Runtime session, shape checks and a forward pass. Each
/// must load and run or be refused with one sentence (<see cref="DistillException"/>); never another
/// exception, never a crash of the process.
/// </summary>
public sealed class OnnxTeacherFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Mutated_onnx_teachers_load_and_run_or_are_refused_in_one_sentence()
    {
        using var folder = new TemporaryFolder();
        var original = File.ReadAllBytes(GoldenTeachers.File("cnn", "onnx"));
        var random = new Random(20261123);
        var failures = new List<string>();
        int accepted = 0, refused = 0;
        for (var i = 0; i < 300; i++)
        {
            var (what, bytes) = Mutate(original, random, i);
            var path = folder.File($"case{i}.onnx");
            File.WriteAllBytes(path, bytes);
            try
            {
                using var teacher = ImportedTeacher.Load(path, "mnist", 10, [1, 12, 12]);
                using var noGrad = no_grad();
                using var inputs = randn(3, 1, 12, 12);
                using var logits = teacher.call(inputs);
                accepted++;
            }
            catch (DistillException e) when (!e.Message.Contains('\n'))
            {
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"case {i} ({what}): {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }
        output.WriteLine($"{accepted} mutations loaded and ran, {refused} were refused in one sentence.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(refused > 50, $"only {refused} of 300 mutations were refused; the mutations are too mild to test anything.");
    }

    private static (string What, byte[] Bytes) Mutate(byte[] original, Random random, int i)
    {
        var bytes = (byte[])original.Clone();
        switch (i % 4)
        {
            case 0:
                var flips = random.Next(1, 9);
                for (var f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return ($"{flips} bit flips", bytes);
            case 1:
                // The graph's structure sits before the weights: overwrite bytes in the first quarter.
                var at = random.Next(bytes.Length / 4);
                bytes[at] = (byte)random.Next(256);
                return ($"byte {at} overwritten", bytes);
            case 2:
                var length = random.Next(bytes.Length);
                return ($"truncated to {length} bytes", bytes[..length]);
            default:
                var garbage = new byte[random.Next(1, 4096)];
                random.NextBytes(garbage);
                return ($"{garbage.Length} random bytes", garbage);
        }
    }
}
