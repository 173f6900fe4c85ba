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
/// body decoded, so an operator can read what came without decoding it by hand.
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
}
