using System.Globalization;
using System.Text;

namespace Distill.Tests.Support;

/// <summary>Writes a learnable CSV table: three classes named by words, each shifting the mean of a different feature.</summary>
public static class SyntheticTable
{
    public static readonly string[] ClassNames = ["setosa", "versicolor", "virginica"];

    public static void Write(string path, int rows = 300, int seed = 9, string labelColumn = "species")
    {
        var random = new Random(seed);
        var text = new StringBuilder($"width,{labelColumn},height,depth,noise\n");
        for (var i = 0; i < rows; i++)
        {
            var label = i % 3;
            double Feature(int k) => (k == label ? 3.0 : 0.0) + random.NextDouble() - 0.5;
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{Feature(0) * 10 + 50:0.###},{ClassNames[label]},{Feature(1) * 0.01:0.#####},{Feature(2):0.###},{random.NextDouble():0.###}\n"));
        }
        File.WriteAllText(path, text.ToString());
    }
}
