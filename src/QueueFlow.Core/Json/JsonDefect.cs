namespace QueueFlow.Core.Json;

/// <summary>What <see cref="JsonDefects"/> refuses.</summary>
public enum JsonDefectKind
{
    DuplicateKey,
    NulCharacter,
    LoneSurrogate,
}

/// <summary>A defect and where it is.</summary>
public sealed record JsonDefect(JsonDefectKind Kind, string Path)
{
    /// <summary>What is wrong, without where: "the key is named twice in one object".</summary>
    public string Problem => Kind switch
    {
        JsonDefectKind.DuplicateKey => "the key is named twice in one object",
        JsonDefectKind.NulCharacter => "the text holds U+0000 (\\u0000), which PostgreSQL cannot store in JSON",
        _ => "the text holds half of a surrogate pair (an escape such as \\ud800 without its partner), which is not text",
    };

    /// <summary>What is wrong and where, to follow "the body" or "the message".</summary>
    public string Describe() => Kind == JsonDefectKind.DuplicateKey
        ? $"names a key twice at {Path}: each key may appear once in a JSON object"
        : $"cannot be kept as it is at {Path}: {Problem}";
}
