using System.Net;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>Retry a task, continue a failed job, revert a job, over HTTP: each a command the saga answers, against the real services.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_is_repaired_over_http(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_retry_the_failed_task_as_a_new_attempt_and_run_the_job_again()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var (id, failed) = await FailFirstTaskAsync(@operator, "api-retry");

        var retried = await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/t1/retry", """{"reason":"fixed the warehouse"}""");

        Assert.Equal(("Accepted", "Running", "t1", "Running"), (retried.GetProperty("status").GetString(), retried.GetProperty("jobStatus").GetString(),
            retried.GetProperty("taskId").GetString(), retried.GetProperty("taskStatus").GetString()));
        var t1 = TaskOf(await JobAsync(@operator, id), "t1");
        Assert.Equal(2, t1.GetProperty("attempt").GetInt32());
        Assert.NotEqual(failed, t1.GetProperty("attemptId").GetGuid());
        Assert.Equal("Running", (await JobAsync(@operator, id)).GetProperty("status").GetString());

        // The new attempt is the current one: the worker's completion of it moves the job on.
        var completed = await SendAsync(api, new CompleteTask { JobId = id, TaskId = "t1", AttemptId = t1.GetProperty("attemptId").GetGuid() });
        Assert.Equal(CommandStatus.Accepted, completed.Status);
        await TaskWhenAsync(@operator, id, "t2", "Running");
        var history = await HistoryAsync(@operator, id);
        Assert.Contains(history, h => h.GetProperty("kind").GetString() == "JobRunning" && h.GetProperty("detail").GetString() == "fixed the warehouse");
    }

    [Fact]
    public async Task Should_answer_a_retried_request_with_the_same_idempotency_key_like_the_first()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var (id, _) = await FailFirstTaskAsync(@operator, "api-retry-idempotent");

        var first = await RetryWithKeyAsync(@operator, id, "retry-1");
        var again = await RetryWithKeyAsync(@operator, id, "retry-1");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.Body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.Body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, TaskOf(await JobAsync(@operator, id), "t1").GetProperty("attempt").GetInt32());

        // Without the key, the same request is a new command, refused since t1 is running again.
        await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/t1/retry", null, HttpStatusCode.Conflict);
        var tooLong = await RetryWithKeyAsync(@operator, id, new string('k', 256));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Equal("Idempotency-Key", tooLong.Body.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Should_answer_409_for_the_retry_of_a_running_task()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("api-retry-running"), 2));
        await TaskWhenAsync(@operator, id, "t1", "Running");

        var problem = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/t1/retry", null, HttpStatusCode.Conflict);

        Assert.Equal("Rejected", problem.GetProperty("outcome").GetString());
        Assert.Equal("task 't1' is Running: only a Failed or TimedOut task is retried", problem.GetProperty("detail").GetString());
        Assert.Equal("t1", problem.GetProperty("taskId").GetString());
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_job_or_task_and_400_for_a_bad_body()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("api-retry-bad"), 2));

        await PostProblemAsync(@operator, $"/api/jobs/{Guid.NewGuid()}/tasks/t1/retry", null, HttpStatusCode.NotFound);
        var noTask = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/nope/retry", null, HttpStatusCode.NotFound);
        Assert.Equal($"Job '{id}' has no task 'nope'.", noTask.GetProperty("detail").GetString());
        await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/t1/retry", """{"reason": """, HttpStatusCode.BadRequest);
        var wrongType = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/t1/retry", """{"reason": 5}""", HttpStatusCode.BadRequest);
        Assert.Equal("$.reason", wrongType.GetProperty("path").GetString());
        var unknownField = await PostProblemAsync(@operator, $"/api/jobs/{id}/continue", """{"fromTsk": "t1"}""", HttpStatusCode.BadRequest);
        Assert.Contains("fromTsk", unknownField.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var noTarget = await PostProblemAsync(@operator, $"/api/jobs/{id}/revert", """{"fromTask": "t2"}""", HttpStatusCode.BadRequest);
        Assert.Contains("toTask", noTarget.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var padding = new string('x', 1024 * 1024 + 1);
        await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/t1/retry", $$"""{"reason": "{{padding}}"}""", HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Should_continue_a_failed_job_from_the_task_it_failed_on()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var (id, _) = await FailFirstTaskAsync(@operator, "api-continue");

        var continued = await PostOkAsync(@operator, $"/api/jobs/{id}/continue");

        Assert.Equal(("Running", "t1"), (continued.GetProperty("jobStatus").GetString(), continued.GetProperty("taskId").GetString()));
        var t1 = TaskOf(await JobAsync(@operator, id), "t1");
        Assert.Equal(("Running", 1), (t1.GetProperty("status").GetString(), t1.GetProperty("iteration").GetInt32()));

        var again = await PostProblemAsync(@operator, $"/api/jobs/{id}/continue", """{"fromTask":"t2"}""", HttpStatusCode.Conflict);
        Assert.Equal($"job {id} is Running: only a Failed job is continued", again.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_answer_409_for_a_continue_from_a_task_the_job_does_not_have()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var (id, _) = await FailFirstTaskAsync(@operator, "api-continue-unknown");

        var problem = await PostProblemAsync(@operator, $"/api/jobs/{id}/continue", """{"fromTask":"nope"}""", HttpStatusCode.Conflict);

        Assert.Equal(("Rejected", "Failed"), (problem.GetProperty("outcome").GetString(), problem.GetProperty("jobStatus").GetString()));
        Assert.Equal($"job {id} has no task 'nope'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_revert_a_failed_job_to_an_earlier_task_and_run_it_again()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("api-revert"), 2));
        var t1 = await TaskWhenAsync(@operator, id, "t1", "Running");
        await SendAsync(api, new CompleteTask { JobId = id, TaskId = "t1", AttemptId = t1.GetProperty("attemptId").GetGuid() });
        var t2 = await TaskWhenAsync(@operator, id, "t2", "Running");
        await SendAsync(api, new FailTask { JobId = id, TaskId = "t2", AttemptId = t2.GetProperty("attemptId").GetGuid(), Error = "bad label", Terminal = true });
        await JobWhenAsync(@operator, id, "Failed");

        var neverCompleted = await PostProblemAsync(@operator, $"/api/jobs/{id}/revert", """{"toTask":"t2"}""", HttpStatusCode.Conflict);
        Assert.Equal("task 't2' is Failed: a revert goes back to a task that completed", neverCompleted.GetProperty("detail").GetString());

        var reverted = await PostOkAsync(@operator, $"/api/jobs/{id}/revert", """{"fromTask":"t2","toTask":"t1"}""");

        Assert.Equal(("Running", "t1", "Running"), (reverted.GetProperty("jobStatus").GetString(), reverted.GetProperty("taskId").GetString(), reverted.GetProperty("taskStatus").GetString()));
        var job = await JobAsync(@operator, id);
        Assert.Equal((1, 2), (TaskOf(job, "t1").GetProperty("iteration").GetInt32(), TaskOf(job, "t1").GetProperty("attempt").GetInt32()));
        Assert.Equal(("Pending", 1), (TaskOf(job, "t2").GetProperty("status").GetString(), TaskOf(job, "t2").GetProperty("iteration").GetInt32()));
    }

    [Fact]
    public async Task Should_answer_409_aborted_for_a_revert_of_a_completed_job()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("api-revert-done"), 1));
        var t1 = await TaskWhenAsync(@operator, id, "t1", "Running");
        await SendAsync(api, new CompleteTask { JobId = id, TaskId = "t1", AttemptId = t1.GetProperty("attemptId").GetGuid() });
        await JobWhenAsync(@operator, id, "Completed");

        var problem = await PostProblemAsync(@operator, $"/api/jobs/{id}/revert", """{"toTask":"t1"}""", HttpStatusCode.Conflict);

        Assert.Equal("Aborted", problem.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Should_forbid_a_reader()
    {
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var id = Guid.NewGuid();

        foreach (var route in new[] { $"/api/jobs/{id}/tasks/t1/retry", $"/api/jobs/{id}/continue", $"/api/jobs/{id}/revert" })
        {
            using var response = await reader.PostAsync(new Uri(route, UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    async Task<(Guid Id, Guid FailedAttempt)> FailFirstTaskAsync(HttpClient @operator, string prefix)
    {
        var id = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique(prefix), 2));
        var attempt = (await TaskWhenAsync(@operator, id, "t1", "Running")).GetProperty("attemptId").GetGuid();
        var failed = await SendAsync(api, new FailTask { JobId = id, TaskId = "t1", AttemptId = attempt, Error = "warehouse down", Terminal = true });
        Assert.Equal(CommandStatus.Accepted, failed.Status);
        await JobWhenAsync(@operator, id, "Failed");
        return (id, attempt);
    }

    static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RetryWithKeyAsync(HttpClient client, Guid id, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/jobs/{id}/tasks/t1/retry", UriKind.Relative));
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ApiCalls.BodyAsync(response));
    }

    static async Task<List<System.Text.Json.JsonElement>> HistoryAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync(new Uri($"/api/jobs/{id}/history?limit=500", UriKind.Relative));
        return [.. (await ApiCalls.BodyAsync(response)).GetProperty("items").EnumerateArray()];
    }
}
