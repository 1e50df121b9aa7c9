using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distill.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// Everything a run needs to continue after its last whole epoch as if it had never stopped:
/// the model, the best epoch's weights, the optimizer's moments or momentum, the learning rate,
/// every random generator's state, the history and the best epoch so far. One file, written
/// atomically, ending with a SHA-256 of its contents so corruption is caught before use.
/// Layout: 8-byte magic, int32 header length, UTF-8 JSON header, tensors (<see cref="TensorFile"/>), SHA-256.
/// </summary>
public sealed class TrainingCheckpoint
{
    public const string FileName = "training-state.bin";

    private static readonly byte[] Magic = "DSTLCKP1"u8.ToArray();
    private const int HashBytes = 32;
    private const int MaxHeaderBytes = 64 << 20;
    private const string GlobalGenerator = "rng.global";

    private TrainingCheckpoint(Header header) => _header = header;

    private readonly Header _header;

    /// <summary>The last epoch the checkpoint holds (1-based).</summary>
    public int Epoch => _header.Epoch;

    public int BestEpoch => _header.BestEpoch;

    public double BestValidationAccuracy => _header.BestValidationAccuracy;

    public IReadOnlyList<EpochRecord> History => _header.History;

    /// <summary>The learning rate of each parameter group for the next epoch.</summary>
    public IReadOnlyList<double> LearningRates => _header.LearningRates;

    /// <param name="fingerprint">The training options, so a resume with other options is refused.</param>
    /// <param name="generators">Named generators besides the global one (shuffling, jitter).</param>
    public static void Save(
        string path, string fingerprint, int epoch, int bestEpoch, double bestAccuracy, IReadOnlyList<EpochRecord> history,
        nn.Module model, nn.Module? companion, IReadOnlyDictionary<string, Tensor> bestWeights, optim.Optimizer optimizer,
        IReadOnlyDictionary<string, Generator> generators) =>
        Save(path, fingerprint, epoch, bestEpoch, bestAccuracy, history, model, companion, bestWeights, [optimizer], generators);

    /// <summary>
    /// The state of a run with several optimizers (a data-free student's and its generator's): their
    /// per-parameter states are numbered in turn, the first optimizer's first.
    /// </summary>
    public static void Save(
        string path, string fingerprint, int epoch, int bestEpoch, double bestAccuracy, IReadOnlyList<EpochRecord> history,
        nn.Module model, nn.Module? companion, IReadOnlyDictionary<string, Tensor> bestWeights, IReadOnlyList<optim.Optimizer> optimizers,
        IReadOnlyDictionary<string, Generator> generators)
    {
        var states = optimizers.SelectMany(OptimizerCheckpoint.States).ToList();
        var header = new Header(fingerprint, epoch, bestEpoch, bestAccuracy, [.. history],
            [.. optimizers.SelectMany(o => o.ParamGroups).Select(g => g.LearningRate)],
            [.. states.Select(s => s switch { Adam.State a => a.step, AdamW.State w => w.step, _ => 0L })]);

        var tensors = new List<KeyValuePair<string, Tensor>>();
        tensors.AddRange(model.state_dict().Select(kv => KeyValuePair.Create("model." + kv.Key, kv.Value)));
        tensors.AddRange(bestWeights.Select(kv => KeyValuePair.Create("best." + kv.Key, kv.Value)));
        if (companion is not null) tensors.AddRange(companion.state_dict().Select(kv => KeyValuePair.Create("method." + kv.Key, kv.Value)));
        for (var i = 0; i < states.Count; i++)
            foreach (var (field, tensor) in OptimizerCheckpoint.Tensors(states[i]))
                tensors.Add(KeyValuePair.Create($"optimizer.{i}.{field}", tensor));
        var owned = new List<Tensor> { get_rng_state() };
        tensors.Add(KeyValuePair.Create(GlobalGenerator, owned[0]));
        foreach (var (name, generator) in generators)
        {
            owned.Add(generator.get_state());
            tensors.Add(KeyValuePair.Create("rng." + name, owned[^1]));
        }

        try
        {
            AtomicFile.Write(path, temporary =>
            {
                using var stream = File.Create(temporary);
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    var json = JsonSerializer.SerializeToUtf8Bytes(header, Json.Compact);
                    writer.Write(Magic);
                    writer.Write(json.Length);
                    writer.Write(json);
                    TensorFile.Write(writer, tensors);
                }
                stream.Position = 0;
                var hash = SHA256.HashData(stream);
                stream.Write(hash);
                stream.Flush(flushToDisk: true);
            });
        }
        finally
        {
            foreach (var tensor in owned) tensor.Dispose();
        }
    }

    /// <summary>
    /// Puts the saved state back into <paramref name="model"/>, <paramref name="optimizer"/> and the
    /// generators, and returns the checkpoint with the best epoch's weights (the caller owns them).
    /// The learning-rate schedule and <see cref="LearningRates"/> are the caller's to put back.
    /// </summary>
    public static (TrainingCheckpoint Checkpoint, Dictionary<string, Tensor> BestWeights) Restore(
        string path, string fingerprint, int epochs, nn.Module model, nn.Module? companion, optim.Optimizer optimizer,
        IReadOnlyList<Parameter> trainable, IReadOnlyDictionary<string, Generator> generators) =>
        Restore(path, fingerprint, epochs, model, companion, [optimizer], trainable, generators);

    /// <summary>
    /// <see cref="Restore(string, string, int, nn.Module, nn.Module?, optim.Optimizer, IReadOnlyList{Parameter}, IReadOnlyDictionary{string, Generator})"/>
    /// for several optimizers, <paramref name="trainable"/> holding their parameters in turn.
    /// </summary>
    /// <param name="firstEpoch">The smallest epoch a checkpoint may hold: 0 for a run that saves its state
    /// before its first epoch (a data-free run's impressions, made before the student trains).</param>
    public static (TrainingCheckpoint Checkpoint, Dictionary<string, Tensor> BestWeights) Restore(
        string path, string fingerprint, int epochs, nn.Module model, nn.Module? companion, IReadOnlyList<optim.Optimizer> optimizers,
        IReadOnlyList<Parameter> trainable, IReadOnlyDictionary<string, Generator> generators, int firstEpoch = 1)
    {
        var what = $"Checkpoint '{path}'";
        using var stream = OpenVerified(path, what);
        var header = ReadHeader(stream, what);
        if (header.Options != fingerprint)
            throw new DistillException($"{what} was written with other training options; resume with the options the run started with.");
        var states = optimizers.SelectMany(OptimizerCheckpoint.States).ToList();
        var groups = optimizers.SelectMany(o => o.ParamGroups).ToList();
        if (header.Epoch < Math.Max(0, firstEpoch) || header.Epoch > epochs || header.BestEpoch < Math.Min(1, header.Epoch) || header.BestEpoch > header.Epoch
            || header.History is null || header.History.Count != header.Epoch
            || header.LearningRates is null || header.LearningRates.Length != groups.Count || header.LearningRates.Any(r => !double.IsFinite(r))
            || header.Steps is null || header.Steps.Length != states.Count || header.Steps.Any(s => s < 0))
            throw new DistillException($"{what} has an inconsistent header.");

        var modelTensors = model.state_dict();
        var companionTensors = companion?.state_dict() ?? new Dictionary<string, Tensor>();
        var generatorStates = new Dictionary<string, Tensor> { [GlobalGenerator] = get_rng_state() };
        foreach (var (name, generator) in generators) generatorStates["rng." + name] = generator.get_state();
        // The optimizer keeps one state per trainable parameter, in the order it was given them.
        if (trainable.Count != states.Count) throw new DistillException($"{what} does not match this optimizer.");
        var parameters = trainable.Select(p => TensorSlot.Of(p)).ToList();
        Dictionary<string, Tensor> loaded;
        try
        {
            loaded = TensorFile.Read(stream, stream.Length - stream.Position - HashBytes, what, name => SlotFor(name, modelTensors, companionTensors, generatorStates, states, parameters));
        }
        finally
        {
            foreach (var tensor in generatorStates.Values) tensor.Dispose();
        }

        var keep = new HashSet<Tensor>();
        try
        {
            var required = modelTensors.Keys.SelectMany(k => new[] { "model." + k, "best." + k }).Concat(generatorStates.Keys)
                .Concat(companionTensors.Keys.Select(k => "method." + k))
                .Concat(states.SelectMany((s, i) => OptimizerCheckpoint.RequiredFields(s).Select(f => $"optimizer.{i}.{f}")));
            if (required.FirstOrDefault(k => !loaded.ContainsKey(k)) is { } missing)
                throw new DistillException($"{what} lacks the tensor '{missing}'.");
            if (loaded.FirstOrDefault(kv => kv.Value.is_floating_point() && !kv.Value.isfinite().all().item<bool>()) is { Key: { } bad })
                throw new DistillException($"{what} holds NaN or infinite values in '{bad}'.");

            foreach (var name in generatorStates.Keys) CheckGeneratorState(loaded[name], name, what);
            using (no_grad())
            {
                foreach (var (name, tensor) in modelTensors) tensor.copy_(loaded["model." + name]);
                foreach (var (name, tensor) in companionTensors) tensor.copy_(loaded["method." + name]);
            }
            var best = modelTensors.Keys.ToDictionary(k => k, k => loaded["best." + k]);
            keep.UnionWith(best.Values);
            set_rng_state(loaded[GlobalGenerator]);
            foreach (var (name, generator) in generators) generator.set_state(loaded["rng." + name]);
            for (var i = 0; i < states.Count; i++) keep.UnionWith(OptimizerCheckpoint.Restore(states[i], i, header.Steps[i], loaded));
            return (new TrainingCheckpoint(header), best);
        }
        catch
        {
            keep.Clear();
            throw;
        }
        finally
        {
            foreach (var tensor in loaded.Values.Where(t => !keep.Contains(t))) tensor.Dispose();
        }
    }

    /// <summary>
    /// libtorch aborts the whole process (a C++ exception through TorchSharp's P/Invoke) on a
    /// generator state its Mersenne Twister deems invalid, so the fields it checks are checked
    /// here first. Layout of the CPU state (CPUGeneratorImplStateLegacy at the front): int64 seed,
    /// int32 left, int32 seeded, uint64 next, then the 624-word state.
    /// </summary>
    private static void CheckGeneratorState(Tensor state, string name, string what)
    {
        const int MersenneStateWords = 624;
        var bytes = state.bytes;
        var left = BitConverter.ToInt32(bytes[8..]);
        var seeded = BitConverter.ToInt32(bytes[12..]);
        var next = (uint)BitConverter.ToUInt64(bytes[16..]);
        if (bytes.Length < 24 + 8 * MersenneStateWords || seeded == 0 || left is < 1 or > MersenneStateWords || next > MersenneStateWords)
            throw new DistillException($"{what} holds an invalid random generator state in '{name}'.");
    }

    private static FileStream OpenVerified(string path, string what)
    {
        if (!File.Exists(path)) throw new DistillException($"{what} does not exist.");
        var stream = File.OpenRead(path);
        try
        {
            if (stream.Length < Magic.Length + sizeof(int) + HashBytes)
                throw new DistillException($"{what} is truncated ({stream.Length:N0} bytes).");
            Span<byte> magic = stackalloc byte[Magic.Length];
            stream.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic))
                throw new DistillException($"{what} is not a Distill checkpoint (wrong magic number).");
            stream.Position = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            for (var left = stream.Length - HashBytes; left > 0;)
            {
                var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                hash.AppendData(buffer, 0, read);
                left -= read;
            }
            Span<byte> stored = stackalloc byte[HashBytes];
            stream.ReadExactly(stored);
            if (!stored.SequenceEqual(hash.GetHashAndReset()))
                throw new DistillException($"{what} is corrupt: its checksum does not match its contents.");
            stream.Position = Magic.Length;
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static Header ReadHeader(FileStream stream, string what)
    {
        Span<byte> lengthBytes = stackalloc byte[sizeof(int)];
        stream.ReadExactly(lengthBytes);
        var length = BitConverter.ToInt32(lengthBytes);
        if (length <= 0 || length > MaxHeaderBytes || length > stream.Length - stream.Position - HashBytes)
            throw new DistillException($"{what} claims a header of {length:N0} bytes, more than it holds.");
        var json = new byte[length];
        stream.ReadExactly(json);
        try
        {
            return JsonSerializer.Deserialize<Header>(json, Json.Options) ?? throw new DistillException($"{what} has an empty header.");
        }
        catch (JsonException)
        {
            throw new DistillException($"{what} has a header that is not valid JSON.");
        }
    }

    private static TensorSlot? SlotFor(
        string name, Dictionary<string, Tensor> model, Dictionary<string, Tensor> companion, Dictionary<string, Tensor> generators,
        IReadOnlyList<OptimizerState> states, IReadOnlyList<TensorSlot> parameters)
    {
        if (generators.TryGetValue(name, out var generator)) return TensorSlot.Of(generator);
        if (name.StartsWith("model.", StringComparison.Ordinal) && model.TryGetValue(name[6..], out var weight)) return TensorSlot.Of(weight);
        if (name.StartsWith("best.", StringComparison.Ordinal) && model.TryGetValue(name[5..], out var best)) return TensorSlot.Of(best);
        if (name.StartsWith("method.", StringComparison.Ordinal) && companion.TryGetValue(name[7..], out var state)) return TensorSlot.Of(state);
        var parts = name.Split('.');
        if (parts is ["optimizer", var number, var field]
            && int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            && index < states.Count
            && OptimizerCheckpoint.HasField(states[index], field))
            return parameters[index];
        return null;
    }

    private sealed record Header(
        string Options, int Epoch, int BestEpoch, double BestValidationAccuracy, List<EpochRecord> History,
        double[] LearningRates, long[] Steps);
}
