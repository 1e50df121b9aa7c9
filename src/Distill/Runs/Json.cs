using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Distill.Methods;

namespace Distill.Runs;

/// <summary>
/// The one JSON style Distill writes and reads: camelCase, enums as strings spelt by <see cref="EnumNames"/>,
/// each registered method's options under its name in the distillation options.
/// </summary>
public static class Json
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new EnumNameConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { MethodOptionsContract.AddMethodBlocks } },
    };

    public static JsonSerializerOptions Compact { get; } = new(Options) { WriteIndented = false };

    public static string Serialize<T>(T value, bool indented = true) =>
        JsonSerializer.Serialize(value, indented ? Options : Compact);

    public static T Read<T>(string path, string what)
    {
        if (!File.Exists(path)) throw new DistillException($"The {what} file '{path}' does not exist.");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                   ?? throw new DistillException($"The {what} file '{path}' is empty.");
        }
        catch (JsonException e)
        {
            // The serializer's own message quotes the offending text, newlines and all; a position is one sentence.
            throw new DistillException($"The {what} file '{path}' is not valid: it cannot be read at {e.Path ?? "$"} (line {e.LineNumber + 1}).");
        }
    }
}
