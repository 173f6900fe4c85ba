using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.DeadLetters;

/// <summary>Helpers of the dead-letter scenarios: read the store and the job's history over HTTP, ask for replays.</summary>
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

    public static string Outcome(JsonElement result, int item = 0) => result.GetProperty("items")[item].GetProperty("outcome").GetString()!;
}
