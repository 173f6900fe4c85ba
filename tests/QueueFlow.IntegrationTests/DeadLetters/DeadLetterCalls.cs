using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.IntegrationTests.DeadLetters;

/// <summary>Helpers of the dead-letter scenarios: store a dead letter, read the store and the job's history over HTTP, ask for replays.</summary>
public static class DeadLetterCalls
{
    public static async Task<JsonElement> GetOkAsync(HttpClient client, string route)
    {
        using var response = await client.GetAsync(new Uri(route, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await ApiCalls.BodyAsync(response);
    }

    /// <summary>The job's dead letters once <paramref name="count"/> of them are in the store.</summary>
    public static async Task<JsonElement[]> ForJobAsync(HttpClient client, Guid jobId, int count = 1) =>
        await Eventually.Until(
            async () => (await GetOkAsync(client, $"/api/dead-letters?jobId={jobId}")).GetProperty("items").EnumerateArray().ToArray(),
            items => items.Length == count, $"{count} dead letter(s) of job {jobId} in the store");

    public static async Task<List<JsonElement>> HistoryAsync(HttpClient client, Guid jobId) =>
        [.. (await GetOkAsync(client, $"/api/jobs/{jobId}/history?limit=500")).GetProperty("items").EnumerateArray()];

    public static Task<JsonElement> ReplayAsync(HttpClient client, string body) => JobRoutes.PostOkAsync(client, "/api/dead-letters/replay", body);

    /// <summary>
    /// Stores a message of job <paramref name="jobId"/>'s task t1 as the error-queue mover would (the jobs queue's error
    /// queue, a retry-exhausted reason) through the host's own store, and returns its id.
    /// </summary>
    public static async Task<Guid> CaptureAsync(IServiceProvider services, Guid jobId, string messageType, string body)
    {
        var messageId = Guid.NewGuid();
        await services.GetRequiredService<DeadLetterStore>().CaptureAsync(new DeadLetterCapture
        {
            MessageId = messageId,
            Source = DeadLetterSource.Queue,
            SourceName = $"{TestSettings.JobsQueue}_error",
            MessageType = messageType,
            Destination = $"exchange:{TestSettings.JobsQueue}",
            Body = body,
            Reason = "a lock timeout outlasted the retries (test)",
            JobId = jobId,
            TaskId = "t1",
            SeenAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None);
        await using var db = await services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>().CreateDbContextAsync();
        return (await db.DeadLetters.SingleAsync(d => d.MessageId == messageId)).Id;
    }

    public static string Outcome(JsonElement result, int item = 0) => result.GetProperty("items")[item].GetProperty("outcome").GetString()!;
}
