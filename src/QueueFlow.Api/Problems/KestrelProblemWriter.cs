using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace QueueFlow.Api.Problems;

/// <summary>
/// Sits between Kestrel and the socket of a connection and gives Kestrel's own refusals a problem+json body. Kestrel
/// answers a request it cannot parse (a malformed request line, a target over <c>MaxRequestLineSize</c>: 414, headers
/// over <c>MaxRequestHeadersTotalSize</c>: 431) itself, before any middleware runs, with an empty body and no hook to
/// change it; every other answer of the API is already problem+json (<c>UseStatusCodePages</c>, the routes).
/// </summary>
/// <remarks>
/// Kestrel writes such a refusal as one header block, flushed on its own, with <c>Content-Length: 0</c> and
/// <c>Connection: close</c> and no content type, and then closes the connection. Everything written is held until a
/// flush and passed on unchanged unless it is exactly that; the copy costs a memcpy per response.
/// </remarks>
public sealed class KestrelProblemWriter(PipeWriter inner) : PipeWriter
{
    const int MaxHeaderBlock = 1024;

    static readonly byte[] Http11 = "HTTP/1.1 "u8.ToArray();
    static readonly byte[] EndOfHeaders = "\r\n\r\n"u8.ToArray();
    static readonly byte[] EmptyLength = "\r\nContent-Length: 0\r\n"u8.ToArray();
    static readonly byte[] Close = "\r\nConnection: close\r\n"u8.ToArray();
    static readonly byte[] ContentType = "\r\nContent-Type:"u8.ToArray();

    ArrayBufferWriter<byte> _pending = new(4096);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

    public override void Advance(int bytes) => _pending.Advance(bytes);

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _pending.WrittenCount;

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        PassOn();
        return inner.FlushAsync(cancellationToken);
    }

    public override void Complete(Exception? exception = null)
    {
        PassOn();
        inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        PassOn();
        return inner.CompleteAsync(exception);
    }

    void PassOn()
    {
        if (_pending.WrittenCount == 0)
            return;
        var written = _pending.WrittenSpan;
        if (Rewrite(written) is { } withBody)
            inner.Write(withBody);
        else
            inner.Write(written);

        // A large response grew the buffer; do not keep it for the rest of the connection.
        if (_pending.Capacity > 64 * 1024)
            _pending = new ArrayBufferWriter<byte>(4096);
        else
            _pending.ResetWrittenCount();
    }

    /// <summary>The refusal with a problem body, or null when <paramref name="written"/> is not a bodiless Kestrel refusal.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        if (written.Length > MaxHeaderBlock || !written.StartsWith(Http11) || !written.EndsWith(EndOfHeaders)
            || written.IndexOf(EndOfHeaders) != written.Length - EndOfHeaders.Length
            || written.IndexOf(EmptyLength) < 0 || written.IndexOf(Close) < 0 || written.IndexOf(ContentType) >= 0
            || written.Length < Http11.Length + 3
            || !int.TryParse(written.Slice(Http11.Length, 3), out var status)
            || Detail(status) is not { } problem)
        {
            return null;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = problem.Type,
            ["title"] = problem.Title,
            ["status"] = status,
            ["detail"] = problem.Detail,
        });
        var head = Encoding.ASCII.GetString(written[..^2]).Replace("\r\nContent-Length: 0\r\n", $"\r\nContent-Length: {body.Length}\r\n", StringComparison.Ordinal);
        return [.. Encoding.ASCII.GetBytes(head + "Content-Type: application/problem+json\r\n\r\n"), .. body];
    }

    static (string Type, string Title, string Detail)? Detail(int status) => status switch
    {
        400 => ("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request",
            "The request could not be read as HTTP: its request line or headers are malformed."),
        408 => ("https://tools.ietf.org/html/rfc9110#section-15.5.9", "Request Timeout",
            "The request's headers or body did not arrive in time."),
        411 => ("https://tools.ietf.org/html/rfc9110#section-15.5.12", "Length Required",
            "The request has a body but neither a Content-Length nor chunked transfer encoding."),
        413 => ("https://tools.ietf.org/html/rfc9110#section-15.5.14", "Content Too Large",
            "The request body is larger than the server accepts."),
        414 => ("https://tools.ietf.org/html/rfc9110#section-15.5.15", "URI Too Long",
            "The request target is longer than the server accepts (Kestrel's MaxRequestLineSize): shorten the path or query."),
        431 => ("https://tools.ietf.org/html/rfc6585#section-5", "Request Header Fields Too Large",
            "The request headers are larger or more numerous than the server accepts (Kestrel's MaxRequestHeadersTotalSize, MaxRequestHeaderCount)."),
        505 => ("https://tools.ietf.org/html/rfc9110#section-15.6.6", "HTTP Version Not Supported",
            "The request's HTTP version is not one the server speaks."),
        _ => null,
    };
}
