using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Distill.Data;
using Distill.Models;
using Distill.Runs;
using Distill.Studies;
using Distill.Tests.Support;
using Distill.Training;
using Xunit.Abstractions;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Reliability;

/// <summary>
/// Seeded mutations (bit flips, truncation, header edits, absurd counts, garbage) of valid files
/// fed to every reader. Each read must either succeed or throw <see cref="DistillException"/>:
/// never another exception type, never a hang, never a large allocation.
/// </summary>
public sealed partial class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const long AllocationLimit = 32L << 20;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private readonly TemporaryFolder _folder = new();
    private readonly Random _random = new(20261123);
    private readonly List<string> _failures = [];
    private string _current = "";
    private TimeSpan _slowest;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Mutated_files_are_read_or_refused_with_one_sentence_never_crash_hang_or_allocate_hugely()
    {
        var work = Task.Run(() => new[]
        {
            FuzzIdx(gzip: false, cases: 1500),
            FuzzIdx(gzip: true, cases: 1000),
            FuzzModel(cases: 1200),
            FuzzCheckpoint(cases: 800),
            FuzzJson<StudyOptions>("config", Json.Serialize(new StudyOptions()), o => o.Validate(), cases: 600),
        });

        (string Name, int Accepted, int Rejected)[] results;
        try
        {
            results = await work.WaitAsync(Budget);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"the fuzz hung on {_current}");
        }
        Assert.True(_failures.Count == 0, $"{_failures.Count} failures, the first:\n" + string.Join("\n", _failures.Take(12)));
        // Every target must have seen both outcomes, or its mutations did not reach the reader.
        foreach (var (name, accepted, rejected) in results)
        {
            output.WriteLine($"{name}: {accepted + rejected} mutations, {accepted} read, {rejected} refused with a DistillException");
            Assert.True(rejected > 0, $"no mutation of {name} was rejected");
            Assert.True(accepted > 0, $"no mutation of {name} was accepted, so the valid path was never exercised");
        }
        output.WriteLine($"slowest single read: {_slowest.TotalMilliseconds:F0} ms");
        Assert.True(_slowest < TimeSpan.FromSeconds(5), $"one read took {_slowest}");
    }

    private (string, int, int) FuzzIdx(bool gzip, int cases)
    {
        var (pixels, labels) = SyntheticIdx.Generate(12, 6, 10, new Random(1));
        var files = new[] { ("images", SyntheticIdx.ImagesFile(pixels, 12, 6, 6)), ("labels", SyntheticIdx.LabelsFile(labels)) };
        var path = _folder.File(gzip ? "fuzz.gz" : "fuzz");
        int accepted = 0, rejected = 0;
        for (var i = 0; i < cases; i++)
        {
            var (kind, valid) = files[i % 2];
            // Gzip: half the cases edit the IDX bytes inside a valid stream, half corrupt the stream itself.
            var bytes = gzip && i % 4 < 2 ? Gzip(MutateBinary(valid, headerLength: kind == "images" ? 16 : 8)) : MutateBinary(gzip ? Gzip(valid) : valid, 16);
            File.WriteAllBytes(path, bytes);
            Check($"{kind} {(gzip ? "gz " : "")}case {i}", ref accepted, ref rejected,
                () => _ = kind == "images" ? IdxReader.ReadImages(path).Count : IdxReader.ReadLabels(path).Length);
        }
        return ($"IDX {(gzip ? "gzip" : "plain")}", accepted, rejected);
    }

    private (string, int, int) FuzzModel(int cases)
    {
        var source = _folder.File("source");
        Directory.CreateDirectory(source);
        var specs = new[] { "mlp:8", "cnn:c2-bn-relu-mp2" };
        var valid = specs.Select(spec =>
        {
            manual_seed(1);
            using var model = ModelBuilder.Build(ModelSpec.Parse(spec), [1, 6, 6], 10);
            var path = Path.Combine(source, $"{spec.Split(':')[0]}.bin");
            ModelStore.Save(model, new ModelCard(spec, [1, 6, 6], 10, ModelBuilder.CountParameters(model), "mnist", "teacher"), path);
            return (Weights: File.ReadAllBytes(path), Card: File.ReadAllText(ModelStore.CardPath(path)));
        }).ToArray();

        var target = _folder.File("model.bin");
        int accepted = 0, rejected = 0;
        for (var i = 0; i < cases; i++)
        {
            var (weights, card) = valid[i % 2];
            // A third of the cases break the card, the rest the weights.
            var brokenCard = i % 3 == 0;
            File.WriteAllBytes(target, brokenCard ? weights : MutateBinary(weights, headerLength: 24));
            File.WriteAllText(ModelStore.CardPath(target), brokenCard ? MutateJson(card) : card);
            Check($"model case {i} ({(brokenCard ? "card" : "weights")})", ref accepted, ref rejected, () =>
            {
                var (model, _) = ModelStore.Load(target);
                model.Dispose();
            });
        }
        return ("model files", accepted, rejected);
    }

    private (string, int, int) FuzzCheckpoint(int cases)
    {
        manual_seed(1);
        using var features = randn(40, 1, 6, 6);
        using var labels = arange(40, ScalarType.Int64).remainder(10);
        using var data = new LabeledDataset("fuzz", features.clone(), labels.clone(), 10);
        var folder = _folder.File("checkpoint");
        Directory.CreateDirectory(folder);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, JitterPixels = 1, Optimizer = new() { Kind = OptimizerKind.Sgd, LearningRate = 0.01 } };
        var card = new ModelCard("mlp:8,dropout=0.1", [1, 6, 6], 10, 0, "mnist", "test");
        using (var model = Build()) new Trainer(options).Train("fuzz", model, data, data, new SupervisedObjective(), card, folder);
        var statePath = Path.Combine(folder, TrainingCheckpoint.FileName);
        var valid = File.ReadAllBytes(statePath);

        int accepted = 0, rejected = 0;
        for (var i = 0; i < cases; i++)
        {
            var bytes = MutateBinary(valid[..^32], headerLength: 64);
            // Half the cases carry a correct checksum, as a hostile file would, so the parser behind it is reached.
            bytes = i % 2 == 0 ? [.. bytes, .. SHA256.HashData(bytes)] : [.. bytes, .. valid[^32..]];
            File.WriteAllBytes(statePath, bytes);
            Check($"checkpoint case {i}", ref accepted, ref rejected, () =>
            {
                using var model = Build();
                new Trainer(options).Train("fuzz", model, data, data, new SupervisedObjective(), card, folder, resume: true);
            });
        }
        return ("training checkpoints", accepted, rejected);

        nn.Module<Tensor, Tensor> Build()
        {
            manual_seed(2);
            return ModelBuilder.Build(ModelSpec.Parse("mlp:8,dropout=0.1"), [1, 6, 6], 10);
        }
    }

    private (string, int, int) FuzzJson<T>(string name, string valid, Action<T> validate, int cases)
    {
        var path = _folder.File(name + ".json");
        int accepted = 0, rejected = 0;
        for (var i = 0; i < cases; i++)
        {
            File.WriteAllText(path, MutateJson(valid));
            Check($"{name} case {i}", ref accepted, ref rejected, () => validate(Json.Read<T>(path, name)));
        }
        return (name + " files", accepted, rejected);
    }

    private void Check(string name, ref int accepted, ref int rejected, Action read)
    {
        _current = name;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            read();
            accepted++;
        }
        catch (DistillException e)
        {
            rejected++;
            if (e.Message.Contains('\n')) _failures.Add($"{name}: a message of several lines: {e.Message}");
        }
        catch (Exception e)
        {
            _failures.Add($"{name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
        if (clock.Elapsed > _slowest) _slowest = clock.Elapsed;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationLimit) _failures.Add($"{name}: allocated {allocated:N0} bytes");
    }

    private byte[] MutateBinary(byte[] valid, int headerLength)
    {
        var bytes = (byte[])valid.Clone();
        switch (_random.Next(7))
        {
            case 0:
                for (var flips = _random.Next(1, 5); flips > 0; flips--)
                {
                    var bit = _random.Next(bytes.Length * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                }
                return bytes;
            case 1:
                return bytes[.._random.Next(bytes.Length)];
            case 2:
            {
                // A header field replaced by an absurd or off-by-one value, big- or little-endian.
                var at = _random.Next(Math.Min(headerLength, bytes.Length - 4));
                var values = new[] { 0, -1, 1, int.MaxValue, int.MinValue, 0x7fffff, 65536, BitConverter.ToInt32(bytes, at) + 1, BitConverter.ToInt32(bytes, at) - 1 };
                BitConverter.GetBytes(values[_random.Next(values.Length)]).CopyTo(bytes, at);
                if (_random.Next(2) == 0) Array.Reverse(bytes, at, 4);
                return bytes;
            }
            case 3:
            {
                // A run of LEB128 continuation bytes: the encoding of a huge count or size.
                var at = _random.Next(Math.Min(headerLength * 4, bytes.Length));
                for (var k = 0; k < _random.Next(1, 12) && at + k < bytes.Length; k++) bytes[at + k] = (byte)(k == 0 ? 0xff : _random.Next(2) == 0 ? 0xff : 0x7f);
                return bytes;
            }
            case 4:
                return [.. bytes, .. Enumerable.Range(0, _random.Next(1, 64)).Select(_ => (byte)_random.Next(256))];
            case 5:
            {
                var at = _random.Next(bytes.Length);
                var length = _random.Next(1, Math.Min(64, bytes.Length - at) + 1);
                return [.. bytes[..at], .. bytes[(at + length)..]];
            }
            default:
            {
                var at = _random.Next(bytes.Length);
                bytes[at] = new byte[] { 0x00, 0xff, 0x7f, 0x80, 0x08, 0x03 }[_random.Next(6)];
                return bytes;
            }
        }
    }

    private string MutateJson(string valid)
    {
        var numbers = NumberPattern().Matches(valid);
        switch (_random.Next(6))
        {
            case 0 when numbers.Count > 0:
            {
                var match = numbers[_random.Next(numbers.Count)];
                var replacement = new[] { "0", "-1", "2147483648", "99999999999999999999", "1e308", "-1e308", "\"NaN\"", "null", "\"x\"", "[]", "{}", "1.5", "4096", "100000" }[_random.Next(14)];
                return valid[..match.Index] + replacement + valid[(match.Index + match.Length)..];
            }
            case 1:
            {
                var strings = StringPattern().Matches(valid);
                var match = strings[_random.Next(strings.Count)];
                var replacement = new[] { "null", "\"\"", "\"mlp:100000000\"", "\"cnn:c4096-c4096-c4096-c4096\"", "\"mlp:\"", "\"cnn:mp2-mp2-mp2-mp2\"", "\"mlp:8,dropout=1\"", "1", "\"imagenet\"", "[]" }[_random.Next(10)];
                return valid[..match.Index] + replacement + valid[(match.Index + match.Length)..];
            }
            case 2:
                return valid[.._random.Next(valid.Length)];
            case 3:
            {
                var at = _random.Next(valid.Length);
                return valid[..at] + valid[Math.Min(valid.Length, at + _random.Next(1, 10))..];
            }
            case 4:
            {
                var at = _random.Next(valid.Length);
                return valid[..at] + new[] { "{", "}", "[", "]", ",", "\"", ":", "null", new string('[', 200) }[_random.Next(9)] + valid[at..];
            }
            default:
            {
                var bytes = Encoding.UTF8.GetBytes(valid);
                bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                return Encoding.UTF8.GetString(bytes);
            }
        }
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var zip = new GZipStream(output, CompressionLevel.Fastest)) zip.Write(bytes);
        return output.ToArray();
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex StringPattern();
}
