using System.Text;
using System.Text.Json;

namespace QueueFlow.Core.Json;

/// <summary>
/// Finds a JSON object that names one key twice. Such a document means different things to different readers
/// (System.Text.Json keeps the last value, a JsonElement keeps both, PostgreSQL's jsonb the last), so QueueFlow
/// refuses it wherever it comes in, naming where the second key is.
/// </summary>
public static class DuplicateKeys
{
    /// <summary>
    /// The JSON path of the first repeated key (<c>$.variables.k</c>), or null when there is none. Keys are compared
    /// exactly, as JSON does: <c>k</c> and <c>K</c> differ. A document that is not valid JSON is left to the parser
    /// that reads it next, which says what is wrong: null.
    /// </summary>
    public static string? Find(ReadOnlySpan<byte> utf8Json, bool allowComments = false)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            CommentHandling = allowComments ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
            AllowTrailingCommas = allowComments,
        });

        // One frame per open object or array: the keys an object has had, or the next index of an array.
        var frames = new Stack<Frame>();
        var path = new List<string>();
        string? first = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        EnterValue(frames, path);
                        frames.Push(reader.TokenType == JsonTokenType.StartObject ? Frame.Object() : Frame.Array());
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        LeaveValue(frames, path);
                        break;
                    case JsonTokenType.PropertyName:
                        var key = reader.GetString()!;
                        path.Add(Segment(key));
                        if (!frames.Peek().Keys!.Add(key))
                            first ??= "$" + string.Concat(path);
                        break;
                    default:
                        EnterValue(frames, path);
                        LeaveValue(frames, path);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        // Read to the end even after a repeat, so a document that is malformed as well is reported as malformed.
        return first;
    }

    /// <summary>The same for a string.</summary>
    public static string? Find(string json, bool allowComments = false) =>
        Find(Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))), allowComments);

    /// <summary>A value starts: inside an array it gets the next index.</summary>
    static void EnterValue(Stack<Frame> frames, List<string> path)
    {
        if (frames.TryPeek(out var parent) && parent.Keys is null)
            path.Add($"[{parent.NextIndex++}]");
    }

    /// <summary>A value ended: drop its segment, the key or the index it was under.</summary>
    static void LeaveValue(Stack<Frame> frames, List<string> path)
    {
        if (frames.Count > 0)
            path.RemoveAt(path.Count - 1);
    }

    static string Segment(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(key[0])
            ? "." + key
            : "['" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";

    sealed class Frame
    {
        public HashSet<string>? Keys { get; private init; }
        public int NextIndex { get; set; }

        public static Frame Object() => new() { Keys = new HashSet<string>(StringComparer.Ordinal) };

        public static Frame Array() => new();
    }
}
