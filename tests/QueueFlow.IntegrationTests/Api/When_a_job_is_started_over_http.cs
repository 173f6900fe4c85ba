using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_is_started_over_http(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_show_the_job_with_its_first_task_running_and_its_history()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var name = await RegisterAsync(admin, Workflows.Diamond(QueueFlowFixture.Unique("api-start")));

        using var start = await @operator.PostAsync(new Uri("/api/jobs", UriKind.Relative), Json($$$"""{"workflow":"{{{name}}}","variables":{"orderId":"o-1"}}"""));
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var id = (await BodyAsync(start)).GetProperty("id").GetGuid();
        Assert.Equal($"/api/jobs/{id}", start.Headers.Location?.OriginalString);

        var job = await Eventually.Until(async () =>
        {
            using var response = await reader.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK ? await BodyAsync(response) : default;
        }, j => j.ValueKind == JsonValueKind.Object && FirstTask(j).GetProperty("status").GetString() == "Running", "task a to be Running");

        Assert.Equal("Running", job.GetProperty("status").GetString());
        Assert.Equal(name, job.GetProperty("workflow").GetString());
        Assert.Equal(1, job.GetProperty("version").GetInt32());
        Assert.Equal("o-1", job.GetProperty("variables").GetProperty("orderId").GetString());
        Assert.Equal(0, job.GetProperty("errors").GetArrayLength());
        Assert.Equal(4, job.GetProperty("tasks").GetArrayLength());
        Assert.True(job.GetProperty("metrics").GetProperty("job").GetProperty("runTimeMs").GetInt64() >= 0);

        var a = FirstTask(job);
        Assert.Equal(1, a.GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.String, a.GetProperty("attemptId").ValueKind);

        // The ids the seed routes take: the attempt's Camunda job key and the iteration's Prefect task-run id.
        Assert.Equal(QueueFlow.Core.Jobs.JobKeys.For(a.GetProperty("attemptId").GetGuid()).ToString(System.Globalization.CultureInfo.InvariantCulture), a.GetProperty("jobKey").GetString());
        Assert.Equal(QueueFlow.Core.Jobs.TaskRunIds.For(id, a.GetProperty("taskId").GetString()!, 0), a.GetProperty("taskRunId").GetGuid());
        Assert.Equal(0, a.GetProperty("iteration").GetInt32());
        Assert.Equal("o-1", a.GetProperty("input").GetProperty("orderId").GetString());
        Assert.Equal(JsonValueKind.Object, a.GetProperty("output").ValueKind);
        Assert.Equal(JsonValueKind.String, a.GetProperty("startedAt").ValueKind);

        using var history = await reader.GetAsync(new Uri($"/api/jobs/{id}/history", UriKind.Relative));
        var rows = (await BodyAsync(history)).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.Equal(Enumerable.Range(1, rows.Count), rows.Select(r => r.GetProperty("sequence").GetInt32()));
    }

    [Fact]
    public async Task Should_return_the_same_job_for_a_repeated_idempotency_key()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("api-idempotent"), 1));
        var key = Guid.NewGuid().ToString();
        var body = $$"""{"workflow":"{{name}}"}""";

        var first = await StartAsync(@operator, body, key);
        var second = await StartAsync(@operator, body, key, HttpStatusCode.OK);
        var otherCaller = await StartAsync(admin, body, key);

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherCaller);
    }

    static JsonElement FirstTask(JsonElement job) =>
        job.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("taskId").GetString() == "a");
}
