using System.Net;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.IntegrationTests.Lifecycle;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Api.Seeds;

/// <summary>Camunda 8's <c>POST /v2/jobs/{jobKey}/completion</c> (seed 001), with the key the worker got on RunTask.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_camunda_worker_completes_a_job(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_complete_the_attempt_its_key_names_merge_the_variables_and_answer_204()
    {
        var (worker, run) = await StartAsync("camunda-complete", 2);
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);
        var key = JobKeyOf(run);
        Assert.Matches("^[1-9][0-9]*$", key);

        using var response = await PostAsync(camunda, $"/v2/jobs/{key}/completion", """{ "variables": { "approved": true, "region": "eu" } }""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var t1 = await TaskAsync(fixture, JobIdOf(run), "t1");
        Assert.Equal(TaskRunStatus.Completed, t1.Status);
        Assert.Equal("test-operator", t1.FindAttempt(AttemptIdOf(run))!.Owner);
        var job = await fixture.FindJobAsync(JobIdOf(run));
        Assert.True(JsonDocument.Parse(job!.Variables).RootElement.GetProperty("approved").GetBoolean());
        var next = (await worker.RunOfAsync("t2", 1)).Run;
        Assert.NotEqual(key, JobKeyOf(next));

        // A worker that retries after losing the 204 gets the same answer: the saga sees a duplicate and changes nothing.
        using var again = await PostAsync(camunda, $"/v2/jobs/{key}/completion", "{}");
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(TaskRunStatus.Running, (await TaskAsync(fixture, JobIdOf(run), "t2")).Status);
    }

    [Fact]
    public async Task Should_answer_a_denied_completion_with_409_and_keep_the_task_active()
    {
        var (_, run) = await StartAsync("camunda-denied", 1);
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);
        var route = $"/v2/jobs/{JobKeyOf(run)}/completion";

        using var response = await PostAsync(camunda, route, """{ "variables": { "approved": false }, "result": { "denied": true, "deniedReason": "four-eyes check failed" } }""");

        var problem = await AssertCamundaProblemAsync(response, HttpStatusCode.Conflict, "INVALID_STATE", route);
        Assert.Contains("the completion was denied: four-eyes check failed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var task = await TaskAsync(fixture, JobIdOf(run), "t1");
        Assert.Equal(TaskRunStatus.Running, task.Status);
        Assert.Equal(AttemptIdOf(run), task.AttemptId);
        Assert.Contains(await fixture.HistoryAsync(JobIdOf(run)), h => h.Kind == "CompletionDenied");
    }

    [Fact]
    public async Task Should_answer_404_for_the_key_of_an_attempt_a_retry_replaced()
    {
        var name = QueueFlowFixture.Unique("camunda-stale");
        var worker = await PlainJsonWorker.StartAsync(fixture, "camunda-stale", name);
        await worker.RegisterAsync(OneTask(name, name, retries: 1));
        await worker.StartJobAsync(name);
        var first = (await worker.RunOfAsync("work", 1)).Run;
        Assert.Equal(CommandStatus.Accepted, (await worker.FailAsync(first, "connection reset")).Status);
        var second = (await worker.RunOfAsync("work", 2)).Run;
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);
        var staleRoute = $"/v2/jobs/{JobKeyOf(first)}/completion";

        using var stale = await PostAsync(camunda, staleRoute, "{}");
        using var current = await PostAsync(camunda, $"/v2/jobs/{JobKeyOf(second)}/completion", "{}");

        await AssertCamundaProblemAsync(stale, HttpStatusCode.NotFound, "NOT_FOUND", staleRoute);
        Assert.Equal(HttpStatusCode.NoContent, current.StatusCode);
        await fixture.WaitForJobAsync(JobIdOf(first), JobStatus.Completed);
    }

    [Theory]
    [InlineData("4503599627370496", HttpStatusCode.NotFound, "NOT_FOUND")]
    [InlineData("12ab", HttpStatusCode.BadRequest, "INVALID_ARGUMENT")]
    [InlineData("-5", HttpStatusCode.BadRequest, "INVALID_ARGUMENT")]
    [InlineData("99999999999999999999", HttpStatusCode.BadRequest, "INVALID_ARGUMENT")]
    public async Task Should_answer_a_key_that_names_no_job_or_is_not_a_64_bit_number(string key, HttpStatusCode status, string title)
    {
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);
        var route = $"/v2/jobs/{key}/completion";

        using var response = await PostAsync(camunda, route, "{}");

        await AssertCamundaProblemAsync(response, status, title, route);
    }

    [Theory]
    [InlineData("""{ "variables": { "approved": tru } }""", "$.variables")]
    [InlineData("""{ "result": { "denied": "yes" } }""", "$.result.denied")]
    [InlineData("""{ "variables": [ "approved" ] }""", null)]
    public async Task Should_answer_malformed_json_and_wrong_types_with_400(string body, string? path)
    {
        var (_, run) = await StartAsync("camunda-bad-body", 1);
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);
        var route = $"/v2/jobs/{JobKeyOf(run)}/completion";

        using var response = await PostAsync(camunda, route, body);

        var problem = await AssertCamundaProblemAsync(response, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", route);
        if (path is not null)
            Assert.Equal(path, problem.GetProperty("path").GetString());
        else
            Assert.Contains("variables must be a JSON object", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Running, (await TaskAsync(fixture, JobIdOf(run), "t1")).Status);
    }

    [Fact]
    public async Task Should_answer_409_for_the_key_of_a_cancelled_job()
    {
        var (_, run) = await StartAsync("camunda-cancelled", 1);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var cancelled = await PostAsync(@operator, $"/api/jobs/{JobIdOf(run)}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);
        var route = $"/v2/jobs/{JobKeyOf(run)}/completion";

        using var response = await PostAsync(camunda, route, "{}");

        var problem = await AssertCamundaProblemAsync(response, HttpStatusCode.Conflict, "INVALID_STATE", route);
        Assert.Contains("is Cancelled: stop working on it", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    async Task<(PlainJsonWorker Worker, JsonElement Run)> StartAsync(string scenario, int length)
    {
        // Each case its own queue: a theory's cases share a scenario name, and their consumers would compete for one queue.
        scenario = $"{scenario}-{Guid.NewGuid().ToString("N")[..8]}";
        var name = QueueFlowFixture.Unique(scenario);
        var worker = await PlainJsonWorker.StartAsync(fixture, scenario, name);
        await worker.RegisterAsync(Workflows.Chain(name, length));
        await worker.StartJobAsync(name);
        return (worker, (await worker.RunOfAsync("t1", 1)).Run);
    }

    /// <summary>Seed 001's problem: type about:blank, the rejection code as title, the status, a detail, the request path as instance.</summary>
    static async Task<JsonElement> AssertCamundaProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string route)
    {
        var problem = await AssertProblemAsync(response, status);
        Assert.Equal("about:blank", problem.GetProperty("type").GetString());
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(route, problem.GetProperty("instance").GetString());
        return problem;
    }
}
