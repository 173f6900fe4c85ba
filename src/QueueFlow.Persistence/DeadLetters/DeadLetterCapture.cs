using System.Text;
using System.Text.Json;

namespace QueueFlow.Persistence.DeadLetters;

/// <summary>A message about to enter the dead-letter store, as its source saw it.</summary>
public sealed record DeadLetterCapture
{
    /// <summary>The <c>message_type</c> column's length.</summary>
    public const int MaxMessageTypeLength = 255;

    /// <summary>The header that holds a refused capture's headers, as base64 of their JSON (see <see cref="AsBase64"/>).</summary>
    public const string HeadersBase64Key = "headers.base64";

    /// <summary>The header that holds a refused capture's first reason, as base64 of its text.</summary>
    public const string ReasonBase64Key = "reason.base64";

    public Guid? MessageId { get; init; }
    public required DeadLetterSource Source { get; init; }
    public required string SourceName { get; init; }
    public string? MessageType { get; init; }
    public string? Destination { get; init; }

    /// <summary>A JSON object of strings.</summary>
    public string Headers { get; init; } = "{}";
    public required string Body { get; init; }
    public DeadLetterBodyEncoding BodyEncoding { get; init; }
    public required string Reason { get; init; }
    public Guid? JobId { get; init; }
    public string? TaskId { get; init; }
    public required DateTimeOffset SeenAt { get; init; }

    /// <summary>
    /// This capture in a form any row can hold, for when the database refused it as it came: the body, the headers and
    /// the reason kept whole as base64 of their UTF-8 (a body already base64 stays as it is; the headers object then
    /// holds <c>headers.base64</c> and <c>reason.base64</c>), the values read out of the message (its type and task id)
    /// left out, and a reason that says so. The message id, job id, queue and destination stay, so it is found, counted
    /// and replayed like any other once an operator has given it a body and a type.
    /// </summary>
    public DeadLetterCapture AsBase64(string refusal) => this with
    {
        MessageType = null,
        TaskId = null,
        Headers = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            [HeadersBase64Key] = Base64(Headers),
            [ReasonBase64Key] = Base64(Reason),
        }),
        Body = BodyEncoding == DeadLetterBodyEncoding.Base64 ? Body : Base64(Body),
        BodyEncoding = DeadLetterBodyEncoding.Base64,
        Reason = $"stored as base64 (the body; the headers and the first reason under headers.base64 and reason.base64): the database refused the message as it came: {refusal}",
    };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
