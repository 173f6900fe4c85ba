using System.Text;
using System.Text.Json;

namespace QueueFlow.Core.Json;

/// <summary>
/// Finds what QueueFlow refuses in any JSON it takes in (HTTP bodies, bus messages, workflow documents) although it is
/// valid JSON: an object that names one key twice, which means different things to different readers (System.Text.Json
/// keeps the last value, a JsonElement keeps both, PostgreSQL's jsonb the last); and a string, key or value, that no
/// reader can keep: the escape <c>\u0000</c>, which PostgreSQL's jsonb refuses, and half of a surrogate pair (an escape
/// such as <c>\ud800</c> without its partner), which is not text and which System.Text.Json refuses to read as a
/// string. Refused where they come in, naming where, they cannot fail a write or a reader later.
/// </summary>
public static class JsonDefects
{
    /// <summary>
    /// The first defect, by its JSON path (<c>$.variables.k</c>), or null when there is none. Keys are compared exactly,
    /// as JSON does: <c>k</c> and <c>K</c> differ. A document that is not valid JSON is left to the parser that reads it
    /// next, which says what is wrong: null.
    /// </summary>
    public static JsonDefect? Find(ReadOnlySpan<byte> utf8Json, bool allowComments = false)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            CommentHandling = allowComments ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
            AllowTrailingCommas = allowComments,
        });

        // One frame per open object or array: the keys an object has had, or the next index of an array.
        var frames = new Stack<Frame>();
        var path = new List<string>();
        JsonDefect? first = null;
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
                        var (key, keyDefect) = Text(ref reader);
                        path.Add(Segment(key));
                        first ??= keyDefect is { } kind ? new JsonDefect(kind, Path(path)) : null;
                        if (!frames.Peek().Keys!.Add(key))
                            first ??= new JsonDefect(JsonDefectKind.DuplicateKey, Path(path));
                        break;
                    case JsonTokenType.String:
                        // Only an escaped value can hold either defect: the others are not read (no string made per value).
                        EnterValue(frames, path);
                        if (reader.ValueIsEscaped && Text(ref reader).Defect is { } valueDefect)
                            first ??= new JsonDefect(valueDefect, Path(path));
                        LeaveValue(frames, path);
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

        // Read to the end even after a defect, so a document that is malformed as well is reported as malformed.
        return first;
    }

    /// <summary>The same for a string.</summary>
    public static JsonDefect? Find(string json, bool allowComments = false) =>
        Find(Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json))), allowComments);

    /// <summary>
    /// A string token's text and what is wrong with it. Only an escaped string can hold either defect (a raw U+0000 or
    /// surrogate is not valid JSON or UTF-8); one that cannot be read is named by its text as written.
    /// </summary>
    static (string Text, JsonDefectKind? Defect) Text(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
            return (reader.GetString()!, null);
        try
        {
            var text = reader.GetString()!;
            return (text, text.Contains('\0', StringComparison.Ordinal) ? JsonDefectKind.NulCharacter : null);
        }
        catch (InvalidOperationException)
        {
            return (Encoding.UTF8.GetString(reader.ValueSpan), JsonDefectKind.LoneSurrogate);
        }
    }

    static string Path(List<string> path) => "$" + string.Concat(path);

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
            : "['" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("\0", "\\u0000", StringComparison.Ordinal) + "']";

    sealed class Frame
    {
        public HashSet<string>? Keys { get; private init; }
        public int NextIndex { get; set; }

        public static Frame Object() => new() { Keys = new HashSet<string>(StringComparer.Ordinal) };

        public static Frame Array() => new();
    }
}
