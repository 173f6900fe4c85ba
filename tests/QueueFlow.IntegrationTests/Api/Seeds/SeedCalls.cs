using System.Text.Json;
using QueueFlow.Core.Jobs;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api.Seeds;

/// <summary>Helpers of the seed route scenarios: posting a seed's body and reading what the saga made of it.</summary>
public static class SeedCalls
{
    /// <summary>One route of each seed system, naming ids nothing has, for the checks made before any lookup.</summary>
    public static TheoryData<string> SeedRoutes => new()
    {
        $"/workflow_engine/jobs/finish_task/{Guid.NewGuid():N}/review",
        $"/operations-manager/jobs/{Guid.NewGuid():N}/tasks/review/finish",
        "/v2/jobs/2251799813685249/completion",
        $"/api/v1/projects/publicdata/workflows/tasks/{Guid.NewGuid()}/update",
        $"/api/task_runs/{Guid.NewGuid()}/set_state",
    };

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string route, string? body) =>
        client.PostAsync(new Uri(route, UriKind.Relative), body is null ? null : Json(body));

    /// <summary>The task's row as committed.</summary>
    public static async Task<JobTask> TaskAsync(QueueFlowFixture fixture, Guid jobId, string taskId) =>
        (await fixture.FindJobAsync(jobId))!.Tasks.Single(t => t.TaskId == taskId);

    public static Guid JobIdOf(JsonElement run) => run.GetProperty("jobId").GetGuid();

    public static string JobKeyOf(JsonElement run) => run.GetProperty("jobKey").GetString()!;

    public static Guid AttemptIdOf(JsonElement run) => run.GetProperty("attemptId").GetGuid();

    public static Guid TaskRunIdOf(JsonElement run) => run.GetProperty("taskRunId").GetGuid();

    /// <summary>One worker task on <paramref name="queue"/> with <paramref name="retries"/> immediate retries, then the end.</summary>
    public static string OneTask(string name, string queue, int retries) => $$"""
        { "name": "{{name}}",
          "tasks": [ { "id": "work", "queue": "{{queue}}", "retries": {{retries}}, "retryDelaySeconds": 0 } ],
          "transitions": [ { "from": "workflow_start", "to": "work" }, { "from": "work", "to": "workflow_end" } ] }
        """;
}
