using System.Text.Json;
using QueueFlow.Api.Jobs;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>The Idempotency-Key fingerprint on its own: what makes two POST /api/jobs bodies the same request.</summary>
public sealed class When_a_request_is_fingerprinted
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Should_ignore_formatting_and_member_order_at_every_depth()
    {
        var first = Fingerprint("""{"workflow":"w","variables":{"a":1,"b":{"x":[1,{"p":1,"q":2}],"y":null}}}""");
        var second = Fingerprint("""{ "variables": { "b": { "y": null, "x": [ 1, { "q": 2, "p": 1 } ] }, "a": 1 }, "workflow": "w" }""");

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("""{"workflow":"w2","variables":{"a":1}}""")]
    [InlineData("""{"workflow":"w","variables":{"a":2}}""")]
    [InlineData("""{"workflow":"w","variables":{"a":1},"version":2}""")]
    [InlineData("""{"workflow":"w","variables":{"a":1},"scheduledAt":"2026-12-04T10:00:00Z"}""")]
    [InlineData("""{"workflow":"w","variables":{"a":1,"b":[]}}""")]
    public void Should_tell_any_change_of_value_apart(string other)
    {
        Assert.NotEqual(Fingerprint("""{"workflow":"w","variables":{"a":1}}"""), Fingerprint(other));
    }

    static string Fingerprint(string body) =>
        Convert.ToHexString(RequestFingerprint.Of(JsonSerializer.Deserialize<StartJobRequest>(body, Options)!, Options));
}
