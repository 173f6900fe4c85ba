using System.Net;
using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.IntegrationTests.Lifecycle;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Api.Seeds;

/// <summary>
/// Itential's <c>POST /workflow_engine/jobs/finish_task/:job_id/:task_id</c> (seed 000) and Operations Manager's
/// <c>POST /operations-manager/jobs/:jobId/tasks/:taskId/finish</c> (seed 002), answered with the job document.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_an_itential_client_finishes_a_task(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    /// <summary>Seed 000's request body, as its documentation shows it.</summary>
    const string SeedFinishTask = """
        {
          "task_data": {
            "finish_state": "loop",
            "variables": {
              "incoming": {
                "inputVariable": "inputValue"
              },
              "outgoing": {
                "outputVariable": "outputValue"
              },
              "translations": {
                "translationVariable": "translationValue"
              },
              "error": ""
            }
          }
        }
        """;

    [Fact]
    public async Task Should_finish_the_task_with_the_seeds_loop_state_and_answer_the_job_document()
    {
        var (worker, jobId, name) = await StartRevisionsAsync("itential-loop");
        await worker.CompleteAsync((await worker.RunOfAsync("draft", 1)).Run);
        await Eventually.Until(() => TaskAsync(fixture, jobId, "review"), t => t.Status == TaskRunStatus.Running, "review to run");
        using var itential = api.ClientWith(ApiFactory.OperatorKey);

        using var response = await PostAsync(itential, $"/workflow_engine/jobs/finish_task/{jobId:N}/review", SeedFinishTask);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var job = await BodyAsync(response);
        Assert.Equal(jobId.ToString("N"), job.GetProperty("_id").GetString());
        Assert.Equal(name, job.GetProperty("name").GetString());
        Assert.Equal("running", job.GetProperty("status").GetString());
        var tasks = job.GetProperty("tasks");
        Assert.Equal("complete", tasks.GetProperty("workflow_start").GetProperty("status").GetString());
        Assert.Equal("running", tasks.GetProperty("draft").GetProperty("status").GetString());
        Assert.Equal("incomplete", tasks.GetProperty("review").GetProperty("status").GetString());
        Assert.Equal(("standard", "loop"), TransitionOf(job, "review", "draft"));
        Assert.Equal(("standard", "success"), TransitionOf(job, "review", "publish"));
        Assert.Equal(0, job.GetProperty("error").GetArrayLength());

        // The loop took review back to draft: its second iteration runs, and review kept the outgoing variables.
        var second = (await worker.RunOfAsync("draft", 2)).Run;
        Assert.Equal(jobId, JobIdOf(second));
        var review = await TaskAsync(fixture, jobId, "review");
        Assert.Equal("outputValue", JsonDocument.Parse(review.Output).RootElement.GetProperty("outputVariable").GetString());
        Assert.Equal("test-operator", review.Attempts[0].Owner);

        // review waits for its second iteration: finishing it again now is not a repeat of the first.
        using var early = await PostAsync(itential, $"/workflow_engine/jobs/finish_task/{jobId:N}/review", SeedFinishTask);
        Assert.Contains("'review' is Pending", (await AssertProblemAsync(early, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_the_job_in_error_with_no_available_transitions_when_the_finish_state_leads_nowhere()
    {
        var (worker, jobId, _) = await StartRevisionsAsync("itential-no-transition");
        await Eventually.Until(() => TaskAsync(fixture, jobId, "draft"), t => t.Status == TaskRunStatus.Running, "draft to run");
        using var itential = api.ClientWith(ApiFactory.OperatorKey);

        using var response = await PostAsync(itential, $"/workflow_engine/jobs/finish_task/{jobId}/draft",
            """{ "task_data": { "finish_state": "error", "variables": { "outgoing": {}, "error": "device unreachable" } } }""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var job = await BodyAsync(response);
        Assert.Equal("error", job.GetProperty("status").GetString());
        var error = Assert.Single(job.GetProperty("error").EnumerateArray());
        Assert.Equal("draft", error.GetProperty("task").GetString());
        Assert.StartsWith("No available transitions found from completed task(s)", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(error.GetProperty("timestamp").GetInt64() > 0);
        Assert.DoesNotContain(worker.Runs, r => r.GetProperty("taskId").GetString() != "draft");
    }

    [Fact]
    public async Task Should_finish_a_manual_task_through_operations_manager_and_answer_its_envelope()
    {
        var (worker, jobId, _) = await StartRevisionsAsync("itential-manual");
        await worker.CompleteAsync((await worker.RunOfAsync("draft", 1)).Run);
        await Eventually.Until(() => TaskAsync(fixture, jobId, "review"), t => t.Status == TaskRunStatus.Running, "review to wait for a person");
        using var itential = api.BearerClient(ApiFactory.OperatorKey);

        // Seed 002's example sends an empty object: the manual task is finished with success.
        using var response = await PostAsync(itential, $"/operations-manager/jobs/{jobId:N}/tasks/review/finish", "{}");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await BodyAsync(response);
        Assert.Equal("Successfully created the requested item", body.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("metadata").ValueKind);
        var data = body.GetProperty("data");
        Assert.Equal(jobId.ToString("N"), data.GetProperty("_id").GetString());
        var review = data.GetProperty("tasks").GetProperty("review");
        Assert.Equal("complete", review.GetProperty("status").GetString());
        Assert.Equal("test-operator", review.GetProperty("metrics").GetProperty("owner").GetString());
        Assert.Equal("success", review.GetProperty("metrics").GetProperty("finish_state").GetString());
        await worker.RunOfAsync("publish", 1);
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_job_or_task_and_409_for_a_task_not_yet_dispatched()
    {
        var (_, jobId, _) = await StartRevisionsAsync("itential-unknown");
        using var itential = api.ClientWith(ApiFactory.OperatorKey);

        using var unknownJob = await PostAsync(itential, $"/workflow_engine/jobs/finish_task/{Guid.NewGuid():N}/draft", SeedFinishTask);
        using var notAnId = await PostAsync(itential, "/workflow_engine/jobs/finish_task/4430ceadbd694aa79994ad47/draft", SeedFinishTask);
        using var unknownTask = await PostAsync(itential, $"/workflow_engine/jobs/finish_task/{jobId}/6a90", SeedFinishTask);
        using var pending = await PostAsync(itential, $"/operations-manager/jobs/{jobId}/tasks/publish/finish", null);

        Assert.Contains("No job has the id", (await AssertProblemAsync(unknownJob, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(notAnId, HttpStatusCode.NotFound);
        Assert.Contains("has no task '6a90'", (await AssertProblemAsync(unknownTask, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("'publish' is Pending", (await AssertProblemAsync(pending, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "task_data": { "finish_state": "success", "variables": { "outgoing": { "a": 1 } } }""", "$")]
    [InlineData("""{ "task_data": { "finish_state": 3 } }""", "$.task_data.finish_state")]
    [InlineData("""{ "task_data": { "variables": { "outgoing": "done" } } }""", "task_data.variables.outgoing")]
    [InlineData("""{ "taskData": { "finish_state": "success" } }""", "task_data")]
    public async Task Should_answer_malformed_json_wrong_types_and_a_missing_task_data_with_400(string body, string path)
    {
        var (_, jobId, _) = await StartRevisionsAsync("itential-bad-body");
        await Eventually.Until(() => TaskAsync(fixture, jobId, "draft"), t => t.Status == TaskRunStatus.Running, "draft to run");
        using var itential = api.ClientWith(ApiFactory.OperatorKey);

        using var response = await PostAsync(itential, $"/workflow_engine/jobs/finish_task/{jobId}/draft", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var reported = problem.TryGetProperty("path", out var p) ? p.GetString() : problem.GetProperty("errors")[0].GetProperty("path").GetString();
        Assert.StartsWith(path, reported, StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Running, (await TaskAsync(fixture, jobId, "draft")).Status);
    }

    [Fact]
    public async Task Should_answer_409_when_the_job_is_cancelled()
    {
        var (_, jobId, _) = await StartRevisionsAsync("itential-cancelled");
        await Eventually.Until(() => TaskAsync(fixture, jobId, "draft"), t => t.Status == TaskRunStatus.Running, "draft to run");
        using var itential = api.ClientWith(ApiFactory.OperatorKey);
        using var cancelled = await PostAsync(itential, $"/api/jobs/{jobId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        using var response = await PostAsync(itential, $"/workflow_engine/jobs/finish_task/{jobId}/draft", SeedFinishTask);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("Aborted", problem.GetProperty("outcome").GetString());
    }

    /// <summary>draft (a worker task), then review (manual), which loops back to draft or goes on to publish.</summary>
    async Task<(PlainJsonWorker Worker, Guid JobId, string Name)> StartRevisionsAsync(string scenario)
    {
        // Each case its own queue: a theory's cases share a scenario name, and their consumers would compete for one queue.
        scenario = $"{scenario}-{Guid.NewGuid().ToString("N")[..8]}";
        var name = QueueFlowFixture.Unique(scenario);
        var worker = await PlainJsonWorker.StartAsync(fixture, scenario, name);
        await worker.RegisterAsync($$"""
            { "name": "{{name}}",
              "tasks": [ { "id": "draft", "queue": "{{name}}" }, { "id": "review", "kind": "manual" }, { "id": "publish", "queue": "{{name}}" } ],
              "transitions": [
                { "from": "workflow_start", "to": "draft" },
                { "from": "draft", "to": "review" },
                { "from": "review", "to": "draft", "state": "loop" },
                { "from": "review", "to": "publish" },
                { "from": "publish", "to": "workflow_end" }
              ] }
            """);
        return (worker, await worker.StartJobAsync(name), name);
    }

    static (string Type, string State) TransitionOf(JsonElement job, string from, string to)
    {
        var transition = job.GetProperty("transitions").GetProperty(from).GetProperty(to);
        return (transition.GetProperty("type").GetString()!, transition.GetProperty("state").GetString()!);
    }
}
