using System.Net;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.IntegrationTests.Lifecycle;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Api.Seeds;

/// <summary>
/// Prefect's <c>POST /api/task_runs/{id}/set_state</c> (seed 004), with the task run id the worker got on RunTask;
/// every orchestration answer is 200 with {status, state, details}.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_prefect_client_sets_a_task_run_state(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    /// <summary>
    /// Seed 004's request body with its example's state details, proposing <paramref name="type"/>. The seed's data,
    /// "&lt;any&gt;", is a placeholder for a result; a task keeps an object, so null stands in for it.
    /// </summary>
    static string SeedProposal(string type, Guid taskRunId, string data = "null", bool force = false) => $$"""
        {
          "state": {
            "type": "{{type}}",
            "name": "<string>",
            "message": "Run started",
            "data": {{data}},
            "state_details": {
              "flow_run_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
              "task_run_id": "{{taskRunId}}",
              "child_flow_run_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
              "scheduled_time": "2023-11-07T05:31:56Z",
              "cache_key": "<string>",
              "cache_expiration": "2023-11-07T05:31:56Z",
              "deferred": true,
              "untrackable_result": false,
              "pause_timeout": "2023-11-07T05:31:56Z",
              "pause_reschedule": false,
              "pause_key": "<string>",
              "run_input_keyset": {},
              "refresh_cache": true,
              "retriable": true,
              "transition_id": "{{Guid.NewGuid()}}",
              "task_parameters_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
              "traceparent": "<string>"
            }
          },
          "force": {{(force ? "true" : "false")}}
        }
        """;

    [Fact]
    public async Task Should_accept_a_completed_state_and_complete_the_task()
    {
        var (_, run) = await StartAsync("prefect-accept", retries: 0);
        using var prefect = api.BearerClient(ApiFactory.OperatorKey);

        var result = await SetStateAsync(prefect, TaskRunIdOf(run), SeedProposal("COMPLETED", TaskRunIdOf(run), data: """{ "rows": 42 }"""));

        Assert.Equal("ACCEPT", result.GetProperty("status").GetString());
        Assert.Equal("accept_details", result.GetProperty("details").GetProperty("type").GetString());
        Assert.Equal("COMPLETED", result.GetProperty("state").GetProperty("type").GetString());
        Assert.Equal(TaskRunIdOf(run).ToString(), result.GetProperty("state").GetProperty("state_details").GetProperty("task_run_id").GetString());
        var task = await TaskAsync(fixture, JobIdOf(run), "work");
        Assert.Equal(TaskRunStatus.Completed, task.Status);
        Assert.Equal(42, JsonDocument.Parse(task.Output).RootElement.GetProperty("rows").GetInt32());
        await fixture.WaitForJobAsync(JobIdOf(run), JobStatus.Completed);
    }

    [Fact]
    public async Task Should_reject_a_failure_with_retries_left_into_AwaitingRetry_and_keep_the_task_run_id()
    {
        var (worker, run) = await StartAsync("prefect-retry", retries: 1);
        using var prefect = api.BearerClient(ApiFactory.OperatorKey);

        var result = await SetStateAsync(prefect, TaskRunIdOf(run), SeedProposal("FAILED", TaskRunIdOf(run)));

        Assert.Equal("REJECT", result.GetProperty("status").GetString());
        Assert.Equal("reject_details", result.GetProperty("details").GetProperty("type").GetString());
        Assert.Equal(("SCHEDULED", "AwaitingRetry"), (result.GetProperty("state").GetProperty("type").GetString(), result.GetProperty("state").GetProperty("name").GetString()));
        var retry = (await worker.RunOfAsync("work", 2)).Run;
        Assert.Equal(TaskRunIdOf(run), TaskRunIdOf(retry));
        Assert.NotEqual(AttemptIdOf(run), AttemptIdOf(retry));
    }

    [Fact]
    public async Task Should_reject_a_running_state_for_a_task_already_running()
    {
        var (_, run) = await StartAsync("prefect-reject", retries: 0);
        using var prefect = api.BearerClient(ApiFactory.OperatorKey);

        var result = await SetStateAsync(prefect, TaskRunIdOf(run), SeedProposal("RUNNING", TaskRunIdOf(run)));

        Assert.Equal("REJECT", result.GetProperty("status").GetString());
        var details = result.GetProperty("details");
        Assert.Equal("reject_details", details.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(details.GetProperty("reason").GetString()));
        Assert.Equal("RUNNING", result.GetProperty("state").GetProperty("type").GetString());
        Assert.Equal(AttemptIdOf(run), (await TaskAsync(fixture, JobIdOf(run), "work")).AttemptId);
    }

    [Fact]
    public async Task Should_tell_a_proposal_for_a_paused_job_to_wait_with_its_delay()
    {
        var (_, run) = await StartAsync("prefect-wait", retries: 0);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var paused = await PostAsync(@operator, $"/api/jobs/{JobIdOf(run)}/pause", null);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        using var prefect = api.BearerClient(ApiFactory.OperatorKey);

        var result = await SetStateAsync(prefect, TaskRunIdOf(run), SeedProposal("COMPLETED", TaskRunIdOf(run)));

        Assert.Equal("WAIT", result.GetProperty("status").GetString());
        var details = result.GetProperty("details");
        Assert.Equal("wait_details", details.GetProperty("type").GetString());
        Assert.Equal(10, details.GetProperty("delay_seconds").GetInt32());
        Assert.Equal(TaskRunStatus.Running, (await TaskAsync(fixture, JobIdOf(run), "work")).Status);
    }

    [Fact]
    public async Task Should_abort_a_proposal_for_a_finished_job_even_when_forced()
    {
        var (_, run) = await StartAsync("prefect-abort", retries: 0);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var cancelled = await PostAsync(@operator, $"/api/jobs/{JobIdOf(run)}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        using var prefect = api.BearerClient(ApiFactory.OperatorKey);

        var result = await SetStateAsync(prefect, TaskRunIdOf(run), SeedProposal("RUNNING", TaskRunIdOf(run), force: true));

        Assert.Equal("ABORT", result.GetProperty("status").GetString());
        Assert.Equal("abort_details", result.GetProperty("details").GetProperty("type").GetString());
        Assert.Equal("CANCELLED", result.GetProperty("state").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Should_answer_404_for_a_task_run_that_does_not_exist()
    {
        using var prefect = api.BearerClient(ApiFactory.OperatorKey);
        var id = Guid.NewGuid();

        using var unknown = await PostAsync(prefect, $"/api/task_runs/{id}/set_state", SeedProposal("COMPLETED", id));
        using var notAnId = await PostAsync(prefect, "/api/task_runs/42/set_state", SeedProposal("COMPLETED", id));

        Assert.Contains("not found", (await AssertProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(notAnId, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{ "state": { "type": "COMPLETED" """, "$")]
    [InlineData("""{ "state": { "type": "COMPLETED" }, "force": "yes" }""", "$.force")]
    [InlineData("""{ "state": { "type": "DONE" } }""", "state.type")]
    [InlineData("""{ "force": true }""", "state")]
    [InlineData("""{ "state": { "type": "COMPLETED", "state_details": { "transition_id": "t-1" } } }""", "state.state_details.transition_id")]
    [InlineData("""{ "state": { "type": "COMPLETED", "data": "<any>" } }""", "state.data")]
    [InlineData("""{ "state": { "type": "COMPLETED", "data": [1, 2] } }""", "state.data")]
    [InlineData("""{ "state": { "type": "COMPLETED", "data": { "blob": "OVERSIZE" } } }""", "state.data")]
    public async Task Should_answer_an_invalid_body_with_422_as_prefect_does(string body, string path)
    {
        var (_, run) = await StartAsync("prefect-bad-body", retries: 0);
        using var prefect = api.BearerClient(ApiFactory.OperatorKey);
        body = body.Replace("OVERSIZE", new string('x', 102_401), StringComparison.Ordinal);

        using var response = await PostAsync(prefect, $"/api/task_runs/{TaskRunIdOf(run)}/set_state", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var reported = problem.TryGetProperty("path", out var p) ? p.GetString() : problem.GetProperty("errors")[0].GetProperty("path").GetString();
        Assert.StartsWith(path, reported, StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Running, (await TaskAsync(fixture, JobIdOf(run), "work")).Status);
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

    static async Task<JsonElement> SetStateAsync(HttpClient client, Guid taskRunId, string body)
    {
        using var response = await PostAsync(client, $"/api/task_runs/{taskRunId}/set_state", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await BodyAsync(response);
    }
}
