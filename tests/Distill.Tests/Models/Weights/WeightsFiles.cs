using System.Text;
using Distill.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Distill.Tests.Models.Weights;

/// <summary>Small models and the weights files the tests load into them.</summary>
internal static class WeightsFiles
{
    public const string Spec = "cnn:c4-bn-relu-gap";
    public static readonly long[] Shape = [1, 12, 12];

    public static nn.Module<Tensor, Tensor> Model(string spec = Spec, int classes = 10, int seed = 5)
    {
        manual_seed(seed);
        return ModelBuilder.Build(ModelSpec.Parse(spec), Shape, classes);
    }

    /// <summary>The model's state_dict as PyTorch pickles it (torch.save's zip archive), written by PyBridge.</summary>
    public static string Pickled(nn.Module model, string path)
    {
        model.save_py(path);
        return path;
    }

    /// <summary>A .safetensors file whose header is <paramref name="header"/> (JSON), followed by <paramref name="dataBytes"/> zero bytes.</summary>
    public static string Safetensors(string path, string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)json.Length));
        stream.Write(json);
        stream.Write(new byte[dataBytes]);
        return path;
    }
}
