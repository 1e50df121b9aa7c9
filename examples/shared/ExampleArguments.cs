using Distill.Data;

namespace Examples;

/// <summary>
/// The examples' command line: --data PATH (any data Distill reads; default MNIST, fetched into
/// Distill's cache), --out DIR (default runs/NAME under the current directory), --epochs N, --resume,
/// and --student-layer PATH for the examples that read a student layer.
/// </summary>
public sealed record ExampleArguments(DataSelection Data, string Out, int Epochs, bool Resume, string? StudentLayer)
{
    public static ExampleArguments Parse(string[] args, string name)
    {
        var data = new DataSelection { Dataset = "mnist" };
        var output = Path.Combine("runs", name);
        var epochs = 3;
        var resume = false;
        string? layer = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data": data = data with { Path = Value(args, ref i) }; break;
                case "--out": output = Value(args, ref i); break;
                case "--epochs": epochs = int.Parse(Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--resume": resume = true; break;
                case "--student-layer": layer = Value(args, ref i); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'; the arguments are --data PATH, --out DIR, --epochs N, --resume and --student-layer PATH.");
            }
        }
        return new ExampleArguments(data, output, epochs, resume, layer);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
