using System.Net;
using QueueFlow.Core.Jobs;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>Claim, assign, release and finish a manual task over HTTP, the caller being the API key's name, against the real services.</summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_manual_task_is_worked_over_http(ApiFactory api) : IClassFixture<ApiFactory>
{
    const string Operator = "test-operator";
    const string Admin = "test-admin";

    [Fact]
    public async Task Should_let_only_the_claimant_finish_the_task_with_its_data()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var id = await StartReviewAsync(@operator, "api-claim");

        var claimed = await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/review/claim");
        Assert.Equal(("Accepted", "Running"), (claimed.GetProperty("status").GetString(), claimed.GetProperty("taskStatus").GetString()));
        var review = TaskOf(await JobAsync(@operator, id), "review");
        Assert.Equal((Operator, Operator), (review.GetProperty("assignee").GetString(), review.GetProperty("assignedBy").GetString()));

        var notHolder = await PostProblemAsync(admin, $"/api/jobs/{id}/tasks/review/finish", """{"finishState":"success"}""", HttpStatusCode.Conflict);
        Assert.Equal("Rejected", notHolder.GetProperty("outcome").GetString());
        Assert.Equal($"task 'review' is held by '{Operator}': only '{Operator}' may finish it, not '{Admin}'", notHolder.GetProperty("detail").GetString());

        var finished = await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/review/finish", """{"finishState":"success","variables":{"approved":true},"output":{"note":"ok"}}""");
        Assert.Equal("Completed", finished.GetProperty("taskStatus").GetString());
        var job = await JobAsync(@operator, id);
        Assert.True(job.GetProperty("variables").GetProperty("approved").GetBoolean());
        Assert.Equal("ok", TaskOf(job, "review").GetProperty("output").GetProperty("note").GetString());
        await TaskWhenAsync(@operator, id, "ship", "Running");
    }

    [Fact]
    public async Task Should_refuse_a_second_claimant_and_hand_the_task_over_by_release_and_assign()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var id = await StartReviewAsync(@operator, "api-assign");
        await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/review/claim");

        var taken = await PostProblemAsync(admin, $"/api/jobs/{id}/tasks/review/claim", null, HttpStatusCode.Conflict);
        Assert.Equal($"task 'review' is already held by '{Operator}'", taken.GetProperty("detail").GetString());
        var notYours = await PostProblemAsync(admin, $"/api/jobs/{id}/tasks/review/release", null, HttpStatusCode.Conflict);
        Assert.Contains($"only '{Operator}' may release it", notYours.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/review/release");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, TaskOf(await JobAsync(@operator, id), "review").GetProperty("assignee").ValueKind);

        await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/review/assign", $$"""{"assignee":"{{Admin}}"}""");
        var review = TaskOf(await JobAsync(@operator, id), "review");
        Assert.Equal((Admin, Operator), (review.GetProperty("assignee").GetString(), review.GetProperty("assignedBy").GetString()));
        await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/review/finish", null, HttpStatusCode.Conflict);
        var finished = await PostOkAsync(admin, $"/api/jobs/{id}/tasks/review/finish");
        Assert.Equal("Completed", finished.GetProperty("taskStatus").GetString());
    }

    [Fact]
    public async Task Should_tell_the_jobs_watchers_each_change_of_holder()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var watcher = QueueFlowFixture.Unique("holder-watcher");
        await using var amqp = await RawAmqpClient.ConnectAsync();
        var queue = QueueFlowFixture.Unique("holder-watch-queue");
        await amqp.BindAsync(queue, WatchDestination.Exchange, watcher);
        var received = await amqp.CollectAsync(queue);
        var id = await StartReviewAsync(@operator, "api-holder-events");
        await PostOkAsync(@operator, $"/api/jobs/{id}/watch", $$"""{"watcher":"{{watcher}}"}""");

        await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/review/claim");
        await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/review/assign", $$"""{"assignee":"{{Admin}}"}""");
        await PostOkAsync(admin, $"/api/jobs/{id}/tasks/review/release");

        var changes = await Eventually.Until(
            () => Task.FromResult(received.Where(m => m.TryGetProperty("change", out _)).ToList()),
            messages => messages.Count >= 3,
            $"three TaskAssigneeChanged on {queue}");
        Assert.Equal(
            [("Claimed", null, Operator, Operator), ("Assigned", Operator, Admin, Operator), ("Released", Admin, null, Admin)],
            changes.Select(m => (m.GetProperty("change").GetString(), Text(m, "from"), Text(m, "to"), Text(m, "by"))));
        var attemptId = TaskOf(await JobAsync(@operator, id), "review").GetProperty("attemptId").GetGuid();
        Assert.All(changes, m => Assert.Equal((id, "review", attemptId), (m.GetProperty("jobId").GetGuid(), m.GetProperty("taskId").GetString(), m.GetProperty("attemptId").GetGuid())));
    }

    [Fact]
    public async Task Should_let_anyone_finish_a_task_nobody_holds()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartReviewAsync(@operator, "api-finish-unclaimed");

        var finished = await PostOkAsync(@operator, $"/api/jobs/{id}/tasks/review/finish", """{"variables":{"approved":false}}""");

        Assert.Equal("Completed", finished.GetProperty("taskStatus").GetString());
    }

    [Fact]
    public async Task Should_answer_each_bad_request_with_its_problem()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var id = await StartReviewAsync(@operator, "api-manual-bad");

        var worker = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/ship/finish", null, HttpStatusCode.Conflict);
        Assert.Contains("worker task", worker.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var pending = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/ship/claim", null, HttpStatusCode.Conflict);
        Assert.Equal("Rejected", pending.GetProperty("outcome").GetString());
        await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/nope/claim", null, HttpStatusCode.NotFound);
        await PostProblemAsync(@operator, $"/api/jobs/{Guid.NewGuid()}/tasks/review/finish", null, HttpStatusCode.NotFound);
        var variables = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/review/finish", """{"variables":[1]}""", HttpStatusCode.BadRequest);
        Assert.Equal("$.variables", variables.GetProperty("path").GetString());
        var finishState = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/review/finish", """{"finishState":7}""", HttpStatusCode.BadRequest);
        Assert.Equal("$.finishState", finishState.GetProperty("path").GetString());
        await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/review/finish", "{", HttpStatusCode.BadRequest);
        var noAssignee = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/review/assign", "{}", HttpStatusCode.BadRequest);
        Assert.Contains("assignee", noAssignee.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var notJson = await @operator.PostAsync(new Uri($"/api/jobs/{id}/tasks/review/assign", UriKind.Relative), new StringContent("x"));
        var unsupported = await AssertProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("The body must be application/json, not 'text/plain; charset=utf-8'.", unsupported.GetProperty("detail").GetString());

        // None of it changed the task.
        Assert.Equal("Running", TaskOf(await JobAsync(@operator, id), "review").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_answer_409_aborted_for_a_claim_on_a_cancelled_job_and_403_for_a_reader()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var id = await StartReviewAsync(@operator, "api-manual-cancelled");
        await PostOkAsync(@operator, $"/api/jobs/{id}/cancel");

        var problem = await PostProblemAsync(@operator, $"/api/jobs/{id}/tasks/review/claim", null, HttpStatusCode.Conflict);

        Assert.Equal("Aborted", problem.GetProperty("outcome").GetString());
        foreach (var action in new[] { "claim", "assign", "release", "finish" })
        {
            using var response = await reader.PostAsync(new Uri($"/api/jobs/{id}/tasks/review/{action}", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    async Task<Guid> StartReviewAsync(HttpClient @operator, string prefix)
    {
        var name = QueueFlowFixture.Unique(prefix);
        var id = await StartAsync(api, @operator, $$"""
            {
              "name": "{{name}}",
              "tasks": [ { "id": "review", "kind": "manual" }, { "id": "ship", "queue": "{{name}}" } ],
              "transitions": [
                { "from": "workflow_start", "to": "review" },
                { "from": "review", "to": "ship" },
                { "from": "ship", "to": "workflow_end" }
              ]
            }
            """);
        await TaskWhenAsync(@operator, id, "review", "Running");
        return id;
    }

    static string? Text(System.Text.Json.JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
}
