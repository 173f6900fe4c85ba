using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Api.Seeds;

/// <summary>A body over Api:MaxRequestBodyBytes (1 MiB by default) is refused on every seed route before anything is looked up.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_seed_request_is_too_large(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [MemberData(nameof(SeedCalls.SeedRoutes), MemberType = typeof(SeedCalls))]
    public async Task Should_answer_413_with_the_limit(string route)
    {
        using var client = api.BearerClient(ApiFactory.OperatorKey);
        var body = JsonSerializer.Serialize(new { output = new { blob = new string('x', 1024 * 1024 + 1) } });

        using var response = await PostAsync(client, route, body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1048576 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
