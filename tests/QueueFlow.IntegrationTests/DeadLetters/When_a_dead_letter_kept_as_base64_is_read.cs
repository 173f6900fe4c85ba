using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence;
using QueueFlow.Persistence.DeadLetters;
using static QueueFlow.IntegrationTests.DeadLetters.DeadLetterCalls;

namespace QueueFlow.IntegrationTests.DeadLetters;

/// <summary>
/// A body no text column takes is kept as base64, byte for byte. Over HTTP the dead letter says so and also gives the
/// body decoded, so an operator can read what came without decoding it by hand; the same for the headers and first
/// reason of a message the database refused as it came.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_dead_letter_kept_as_base64_is_read(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_give_the_body_decoded_beside_the_base64_and_say_which_is_which()
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var store = new DeadLetterStore(fixture.Worker.Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>());
        var jobId = Guid.NewGuid();
        var text = $$"""{ "jobId": "{{jobId}}", "note": "caf\u00e9" }""";
        DeadLetterCapture Capture(string body) => new()
        {
            MessageId = Guid.NewGuid(),
            Source = DeadLetterSource.Queue,
            SourceName = "dl-base64_error",
            MessageType = "QueueFlow.Contracts.CompleteTask",
            Body = body,
            Reason = "base64 test",
            JobId = jobId,
            SeenAt = DateTimeOffset.UtcNow,
        };

        // As the error-queue mover keeps a body that is not UTF-8: a lone continuation byte and a NUL in it.
        byte[] raw = [.. "{ \"x\": \"a"u8, 0x80, 0x00, .. "b\" }"u8];
        var notUtf8 = Capture(Convert.ToBase64String(raw)) with { BodyEncoding = DeadLetterBodyEncoding.Base64 };
        // Refused by the database as it came (a type longer than its column): kept as base64 of its text.
        var refused = Capture(text) with { MessageType = new string('t', 300) };
        // Both: its body stays the base64 of its bytes, not base64 of that.
        var notUtf8Refused = notUtf8 with { MessageId = Guid.NewGuid(), MessageType = new string('t', 300) };
        var plain = Capture(text);
        foreach (var capture in new[] { notUtf8, refused, notUtf8Refused, plain })
            await store.CaptureAsync(capture, CancellationToken.None);

        var listed = await ForJobAsync(reader, jobId, count: 4);
        async Task<(string Encoding, string Body, string? Text)> ReadAsync(DeadLetterCapture capture)
        {
            await using var db = await fixture.Worker.Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>().CreateDbContextAsync();
            var id = (await db.DeadLetters.SingleAsync(d => d.MessageId == capture.MessageId)).Id;
            var document = await GetOkAsync(reader, $"/api/dead-letters/{id}");
            return (document.GetProperty("bodyEncoding").GetString()!, document.GetProperty("body").GetString()!,
                document.GetProperty("bodyText").GetString());
        }

        var (encoding, body, decoded) = await ReadAsync(notUtf8);
        Assert.Equal("Base64", encoding);
        Assert.Equal(raw, Convert.FromBase64String(body));
        Assert.Equal("{ \"x\": \"a\uFFFD\0b\" }", decoded);

        (encoding, body, decoded) = await ReadAsync(refused);
        Assert.Equal("Base64", encoding);
        Assert.Equal(text, Encoding.UTF8.GetString(Convert.FromBase64String(body)));
        Assert.Equal(text, decoded);

        (encoding, body, decoded) = await ReadAsync(notUtf8Refused);
        Assert.Equal("Base64", encoding);
        Assert.Equal(raw, Convert.FromBase64String(body));
        Assert.Equal("{ \"x\": \"a\uFFFD\0b\" }", decoded);

        Assert.Equal(("Text", text, null), await ReadAsync(plain));
        Assert.Equal(4, listed.Length);
    }

    [Fact]
    public async Task Should_give_the_headers_and_first_reason_of_a_refused_capture_decoded_and_leave_others_as_they_came()
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var store = new DeadLetterStore(fixture.Worker.Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>());
        var jobId = Guid.NewGuid();
        DeadLetterCapture Capture(string headers) => new()
        {
            MessageId = Guid.NewGuid(),
            Source = DeadLetterSource.Queue,
            SourceName = "dl-headers_error",
            MessageType = "QueueFlow.Contracts.PauseJob",
            Headers = headers,
            Body = $$"""{ "jobId": "{{jobId}}" }""",
            Reason = "retries exhausted: a NUL in a header",
            JobId = jobId,
            SeenAt = DateTimeOffset.UtcNow,
        };

        // A header holding a NUL, which no jsonb value takes: the database refuses the capture as it came.
        var refused = Capture("""{ "x-note": "a\u0000b", "MT-MessageType": "urn:message:QueueFlow.Contracts:PauseJob" }""");
        // A message that only carries a header of the same name as the stored form's is shown as it came.
        var lookalike = Capture("""{ "headers.base64": "eyJ4IjoiMSJ9", "x-other": "1" }""");
        foreach (var capture in new[] { refused, lookalike })
            await store.CaptureAsync(capture, CancellationToken.None);
        await ForJobAsync(reader, jobId, count: 2);

        var stored = await ReadAsync(refused.MessageId!.Value);
        Assert.Equal([DeadLetterCapture.HeadersBase64Key, DeadLetterCapture.ReasonBase64Key], stored.GetProperty("headers").EnumerateObject().Select(h => h.Name).Order(StringComparer.Ordinal));
        Assert.StartsWith("stored as base64", stored.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string> { ["x-note"] = "a\u0000b", ["MT-MessageType"] = "urn:message:QueueFlow.Contracts:PauseJob" },
            stored.GetProperty("capturedHeaders").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString()!));
        Assert.Equal("retries exhausted: a NUL in a header", stored.GetProperty("firstReason").GetString());

        var shownAsCame = await ReadAsync(lookalike.MessageId!.Value);
        Assert.Equal("eyJ4IjoiMSJ9", shownAsCame.GetProperty("headers").GetProperty("headers.base64").GetString());
        Assert.Equal((System.Text.Json.JsonValueKind.Null, System.Text.Json.JsonValueKind.Null),
            (shownAsCame.GetProperty("capturedHeaders").ValueKind, shownAsCame.GetProperty("firstReason").ValueKind));

        async Task<System.Text.Json.JsonElement> ReadAsync(Guid messageId)
        {
            await using var db = await fixture.Worker.Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>().CreateDbContextAsync();
            var id = (await db.DeadLetters.SingleAsync(d => d.MessageId == messageId)).Id;
            return await GetOkAsync(reader, $"/api/dead-letters/{id}");
        }
    }
}
