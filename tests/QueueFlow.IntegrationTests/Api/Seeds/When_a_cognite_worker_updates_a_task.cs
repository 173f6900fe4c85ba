using System.Net;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.IntegrationTests.Lifecycle;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Api.Seeds;

/// <summary>
/// Cognite Data Fusion's update task (seed 003) at <c>/api/v1/projects/{project}/workflows/tasks/{id}/update</c>, where
/// the id is the attempt id the worker got on RunTask; answered with Cognite's task object.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_cognite_worker_updates_a_task(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_complete_the_task_merge_its_output_and_answer_the_task_object()
    {
        var (worker, run) = await StartAsync("cognite-completed", retries: 0);
        using var cognite = api.BearerClient(ApiFactory.OperatorKey);

        // Seed 003's SDK example: update(task_id, "completed") is sent upper-cased, with the output to merge.
        using var response = await PostAsync(cognite, Route(run), """{ "status": "COMPLETED", "output": { "key1": "value1", "key2": "value2" } }""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var task = await BodyAsync(response);
        Assert.Equal(AttemptIdOf(run).ToString(), task.GetProperty("id").GetString());
        Assert.Equal("work", task.GetProperty("externalId").GetString());
        Assert.Equal("COMPLETED", task.GetProperty("status").GetString());
        Assert.Equal("function", task.GetProperty("taskType").GetString());
        Assert.Equal("value2", task.GetProperty("output").GetProperty("key2").GetString());
        Assert.True(task.GetProperty("endTime").GetInt64() >= task.GetProperty("startTime").GetInt64());
        Assert.False(task.TryGetProperty("reasonForIncompletion", out _));
        await fixture.WaitForJobAsync(JobIdOf(run), JobStatus.Completed);
        Assert.Single(worker.Runs);
    }

    [Fact]
    public async Task Should_retry_a_FAILED_task_per_its_retries_and_answer_the_new_execution()
    {
        var (worker, run) = await StartAsync("cognite-failed", retries: 1);
        using var cognite = api.BearerClient(ApiFactory.OperatorKey);

        using var response = await PostAsync(cognite, Route(run), """{ "status": "FAILED", "output": { "a": 1, "b": 2 } }""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var task = await BodyAsync(response);
        var retry = (await worker.RunOfAsync("work", 2)).Run;
        Assert.Equal("IN_PROGRESS", task.GetProperty("status").GetString());
        Assert.Equal(AttemptIdOf(retry).ToString(), task.GetProperty("id").GetString());
        Assert.NotEqual(AttemptIdOf(run), AttemptIdOf(retry));
        Assert.Equal(1, task.GetProperty("output").GetProperty("a").GetInt32());

        // The failed execution's id no longer names a task in progress.
        using var stale = await PostAsync(cognite, Route(run), """{ "status": "COMPLETED" }""");
        await AssertProblemAsync(stale, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_not_retry_a_FAILED_WITH_TERMINAL_ERROR_task_though_retries_remain()
    {
        var (worker, run) = await StartAsync("cognite-terminal", retries: 3);
        using var cognite = api.BearerClient(ApiFactory.OperatorKey);

        using var response = await PostAsync(cognite, Route(run), """{ "status": "FAILED_WITH_TERMINAL_ERROR" }""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var task = await BodyAsync(response);
        Assert.Equal(AttemptIdOf(run).ToString(), task.GetProperty("id").GetString());
        Assert.Equal("FAILED_WITH_TERMINAL_ERROR", task.GetProperty("status").GetString());
        Assert.Equal("the task was updated to FAILED_WITH_TERMINAL_ERROR", task.GetProperty("reasonForIncompletion").GetString());
        await fixture.WaitForJobAsync(JobIdOf(run), JobStatus.Failed);
        Assert.Single(worker.Runs);
    }

    [Fact]
    public async Task Should_answer_an_output_over_100_KB_with_400_and_leave_the_task_running()
    {
        var (_, run) = await StartAsync("cognite-too-large", retries: 0);
        using var cognite = api.BearerClient(ApiFactory.OperatorKey);
        var output = JsonSerializer.Serialize(new { status = "COMPLETED", output = new { blob = new string('x', 110 * 1024) } });

        using var response = await PostAsync(cognite, Route(run), output);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("over the limit of 102400 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Running, (await TaskAsync(fixture, JobIdOf(run), "work")).Status);
    }

    [Theory]
    [InlineData("""{ "status": "COMPLETED", "output": { "a": 1 """, "$")]
    [InlineData("""{ "status": 1 }""", "$.status")]
    [InlineData("""{ "status": "completed" }""", "status")]
    [InlineData("""{ "status": "IN_PROGRESS" }""", "status")]
    [InlineData("""{ "status": "COMPLETED", "output": [ 1, 2 ] }""", "output")]
    [InlineData("""{ "output": { "a": 1 } }""", "status")]
    public async Task Should_answer_malformed_json_wrong_types_and_statuses_it_cannot_set_with_400(string body, string path)
    {
        var (_, run) = await StartAsync("cognite-bad-body", retries: 0);
        using var cognite = api.BearerClient(ApiFactory.OperatorKey);

        using var response = await PostAsync(cognite, Route(run), body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var reported = problem.TryGetProperty("path", out var p) ? p.GetString() : problem.GetProperty("errors")[0].GetProperty("path").GetString();
        Assert.StartsWith(path, reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_404_for_an_id_that_names_no_task_execution()
    {
        using var cognite = api.BearerClient(ApiFactory.OperatorKey);

        using var unknown = await PostAsync(cognite, $"/api/v1/projects/publicdata/workflows/tasks/{Guid.NewGuid()}/update", """{ "status": "COMPLETED" }""");
        using var notAnId = await PostAsync(cognite, "/api/v1/projects/publicdata/workflows/tasks/not-a-uuid/update", """{ "status": "COMPLETED" }""");

        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await AssertProblemAsync(notAnId, HttpStatusCode.NotFound);
    }

    async Task<(PlainJsonWorker Worker, JsonElement Run)> StartAsync(string scenario, int retries)
    {
        // Each case its own queue: a theory's cases share a scenario name, and their consumers would compete for one queue.
        scenario = $"{scenario}-{Guid.NewGuid().ToString("N")[..8]}";
        var name = QueueFlowFixture.Unique(scenario);
        var worker = await PlainJsonWorker.StartAsync(fixture, scenario, name);
        await worker.RegisterAsync(OneTask(name, name, retries));
        await worker.StartJobAsync(name);
        return (worker, (await worker.RunOfAsync("work", 1)).Run);
    }

    static string Route(JsonElement run) => $"/api/v1/projects/publicdata/workflows/tasks/{AttemptIdOf(run)}/update";
}
