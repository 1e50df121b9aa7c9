using System.Text;
using System.Text.Json;

namespace Distill.Experiments;

/// <summary>
/// Finds a key stated twice in one JSON object. <c>JsonNode</c> accepts such a file and fails later
/// with an ArgumentException that names neither the key nor the line; which of the two values the
/// user meant cannot be guessed, so the file is refused instead.
/// </summary>
public static class DuplicateKeys
{
    /// <summary>Refuses <paramref name="text"/> when an object in it states a key twice, naming the key and its line.</summary>
    public static void Check(string text, string source)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var open = new Stack<HashSet<string>?>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: open.Push(new HashSet<string>(StringComparer.Ordinal)); break;
                case JsonTokenType.StartArray: open.Push(null); break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray: open.Pop(); break;
                case JsonTokenType.PropertyName:
                    var key = reader.GetString()!;
                    if (open.Peek() is { } keys && !keys.Add(key))
                        throw new DistillException($"The key '{key}' appears twice in one object of {source} (line {Line(bytes, reader.TokenStartIndex)}); keep one.");
                    break;
            }
        }
    }

    private static int Line(byte[] bytes, long index) => 1 + bytes.AsSpan(0, (int)index).Count((byte)'\n');
}
