namespace QueueFlow.Persistence.DeadLetters;

/// <summary>How a dead letter's <see cref="DeadLetter.Body"/> holds the message's body.</summary>
public enum DeadLetterBodyEncoding
{
    /// <summary>The body as it came, as text.</summary>
    Text,

    /// <summary>
    /// Base64 of bytes no text column takes as they are: the body as received when it was not UTF-8 or held a NUL byte,
    /// or the UTF-8 of a capture the database refused as it came (<see cref="DeadLetterCapture.AsBase64"/>).
    /// </summary>
    Base64,
}
