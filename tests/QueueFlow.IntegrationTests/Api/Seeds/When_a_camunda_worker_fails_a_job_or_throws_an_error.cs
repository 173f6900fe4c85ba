using System.Net;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.IntegrationTests.Lifecycle;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Api.Seeds;

/// <summary>
/// Camunda 8's <c>POST /v2/jobs/{jobKey}/failure</c> and <c>/error</c>, with the key the worker got on RunTask: the
/// worker's retries left and backoff, and a business error caught by the task's error transition or not at all.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_camunda_worker_fails_a_job_or_throws_an_error(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_retry_after_the_backoff_while_retries_are_left_then_fail_for_good_at_zero()
    {
        var (worker, run) = await StartAsync("camunda-fail", Workflows.Chain(QueueFlowFixture.Unique("camunda-fail"), 1), "t1");
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);
        var failedAt = DateTimeOffset.UtcNow;

        using var first = await PostAsync(camunda, $"/v2/jobs/{JobKeyOf(run)}/failure", """{ "retries": 1, "retryBackOff": 1500, "errorMessage": "connection reset", "variables": { "lastError": "reset" } }""");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        var waiting = await TaskAsync(fixture, JobIdOf(run), "t1");
        Assert.Equal(TaskRunStatus.Scheduled, waiting.Status);
        Assert.True(waiting.ScheduledAt >= failedAt.AddSeconds(1.4), $"scheduled at {waiting.ScheduledAt:O}, failed at {failedAt:O}");
        var (second, receivedAt) = await worker.RunOfAsync("t1", 2);
        Assert.True(receivedAt >= failedAt.AddSeconds(1.4), $"attempt 2 arrived at {receivedAt:O}, failed at {failedAt:O}");
        Assert.NotEqual(JobKeyOf(run), JobKeyOf(second));
        var job = await fixture.FindJobAsync(JobIdOf(run));
        Assert.Equal("reset", JsonDocument.Parse(job!.Variables).RootElement.GetProperty("lastError").GetString());

        using var last = await PostAsync(camunda, $"/v2/jobs/{JobKeyOf(second)}/failure", """{ "retries": 0, "errorMessage": "gave up" }""");

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        var failed = await fixture.WaitForJobAsync(JobIdOf(run), JobStatus.Failed);
        Assert.Equal(TaskRunStatus.Failed, failed.Tasks.Single(t => t.TaskId == "t1").Status);
        Assert.Equal("gave up", Assert.Single(failed.Errors).Message);
        await AssertCamundaProblemAsync(await PostAsync(camunda, $"/v2/jobs/{JobKeyOf(run)}/failure", "{}"), HttpStatusCode.NotFound, "NOT_FOUND", $"/v2/jobs/{JobKeyOf(run)}/failure");
    }

    [Fact]
    public async Task Should_follow_the_error_transition_of_a_thrown_error_with_its_variables()
    {
        var name = QueueFlowFixture.Unique("camunda-error");
        var (worker, run) = await StartAsync("camunda-error", $$"""
            { "name": "{{name}}",
              "tasks": [ { "id": "check", "queue": "{{name}}" }, { "id": "approve", "queue": "{{name}}" }, { "id": "escalate", "queue": "{{name}}" } ],
              "transitions": [ { "from": "workflow_start", "to": "check" }, { "from": "check", "to": "approve" },
                               { "from": "check", "to": "escalate", "state": "error" },
                               { "from": "approve", "to": "workflow_end" }, { "from": "escalate", "to": "workflow_end" } ] }
            """, "check");
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);

        using var response = await PostAsync(camunda, $"/v2/jobs/{JobKeyOf(run)}/error", """{ "errorCode": "NOT_APPROVED", "errorMessage": "over the limit", "variables": { "limit": 100 } }""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await worker.RunOfAsync("escalate", 1);
        var job = await fixture.FindJobAsync(JobIdOf(run));
        var check = job!.Tasks.Single(t => t.TaskId == "check");
        Assert.Equal((TaskRunStatus.Completed, "error"), (check.Status, check.FinishState));
        Assert.Equal(TaskRunStatus.Skipped, job.Tasks.Single(t => t.TaskId == "approve").Status);
        Assert.Equal(100, JsonDocument.Parse(job.Variables).RootElement.GetProperty("limit").GetInt32());
        Assert.Equal("test-operator", check.FindAttempt(AttemptIdOf(run))!.Owner);
    }

    [Fact]
    public async Task Should_fail_the_job_with_the_incident_when_no_transition_catches_the_error()
    {
        var (_, run) = await StartAsync("camunda-uncaught", Workflows.Chain(QueueFlowFixture.Unique("camunda-uncaught"), 2), "t1");
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);

        using var response = await PostAsync(camunda, $"/v2/jobs/{JobKeyOf(run)}/error", """{ "errorCode": "NOT_APPROVED" }""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var job = await fixture.WaitForJobAsync(JobIdOf(run), JobStatus.Failed);
        Assert.Contains("Expected to throw an error event with the code 'NOT_APPROVED'", Assert.Single(job.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(1, job.Tasks.Single(t => t.TaskId == "t1").Attempt);
    }

    [Theory]
    [InlineData("failure", """{ "retries": -1 }""", "retries")]
    [InlineData("failure", """{ "retryBackOff": "soon" }""", "$.retryBackOff")]
    [InlineData("error", """{ "errorMessage": "no code" }""", "errorCode")]
    [InlineData("error", """{ "errorCode": "X", "variables": [1] }""", "variables")]
    public async Task Should_answer_an_invalid_body_with_400_and_leave_the_task_running(string route, string body, string field)
    {
        var (_, run) = await StartAsync($"camunda-invalid-{route}", Workflows.Chain(QueueFlowFixture.Unique($"camunda-invalid-{Guid.NewGuid():N}"), 1), "t1");
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);
        var path = $"/v2/jobs/{JobKeyOf(run)}/{route}";

        using var response = await PostAsync(camunda, path, body);

        var problem = await AssertCamundaProblemAsync(response, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", path);
        Assert.Contains(field, problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Running, (await TaskAsync(fixture, JobIdOf(run), "t1")).Status);
    }

    [Fact]
    public async Task Should_answer_a_key_that_names_no_job_with_404()
    {
        using var camunda = api.BearerClient(ApiFactory.OperatorKey);

        await AssertCamundaProblemAsync(await PostAsync(camunda, "/v2/jobs/4503599627370497/failure", "{}"), HttpStatusCode.NotFound, "NOT_FOUND", "/v2/jobs/4503599627370497/failure");
        await AssertCamundaProblemAsync(await PostAsync(camunda, "/v2/jobs/4503599627370497/error", """{ "errorCode": "X" }"""), HttpStatusCode.NotFound, "NOT_FOUND", "/v2/jobs/4503599627370497/error");
    }

    async Task<(PlainJsonWorker Worker, JsonElement Run)> StartAsync(string scenario, string document, string firstTask)
    {
        scenario = $"{scenario}-{Guid.NewGuid().ToString("N")[..8]}";
        var name = JsonDocument.Parse(document).RootElement.GetProperty("name").GetString()!;
        var worker = await PlainJsonWorker.StartAsync(fixture, scenario, name);
        await worker.RegisterAsync(document);
        await worker.StartJobAsync(name);
        return (worker, (await worker.RunOfAsync(firstTask, 1)).Run);
    }

    static async Task<JsonElement> AssertCamundaProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string route)
    {
        using (response)
        {
            var problem = await AssertProblemAsync(response, status);
            Assert.Equal("about:blank", problem.GetProperty("type").GetString());
            Assert.Equal(title, problem.GetProperty("title").GetString());
            Assert.Equal(route, problem.GetProperty("instance").GetString());
            return problem;
        }
    }
}
