using System.Net;
using System.Net.Http.Headers;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Api.Seeds;

/// <summary>The seed routes need the operator role, like the native ones; their clients send the API key as a Bearer token.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_seed_client_presents_a_bearer_token(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [MemberData(nameof(SeedCalls.SeedRoutes), MemberType = typeof(SeedCalls))]
    public async Task Should_answer_401_without_a_token_or_with_an_unknown_one(string route)
    {
        using var anonymous = api.ClientWith(null);
        using var wrong = api.BearerClient("not-a-configured-key-at-all");

        using var withoutToken = await PostAsync(anonymous, route, "{}");
        using var withWrongToken = await PostAsync(wrong, route, "{}");

        Assert.Contains("Bearer", (await AssertProblemAsync(withoutToken, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(withoutToken.Headers.WwwAuthenticate, c => c.Scheme == "Bearer");
        await AssertProblemAsync(withWrongToken, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(SeedCalls.SeedRoutes), MemberType = typeof(SeedCalls))]
    public async Task Should_answer_403_to_a_reader(string route)
    {
        using var reader = api.BearerClient(ApiFactory.ReaderKey);

        using var response = await PostAsync(reader, route, "{}");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_accept_a_bearer_token_on_the_native_routes_too_and_prefer_X_Api_Key_when_both_are_sent()
    {
        using var bearer = api.BearerClient(ApiFactory.ReaderKey);
        using var both = api.ClientWith(ApiFactory.ReaderKey);
        both.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-configured-key-at-all");

        using var viaBearer = await bearer.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        using var viaHeader = await both.GetAsync(new Uri("/api/jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, viaBearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
    }
}
