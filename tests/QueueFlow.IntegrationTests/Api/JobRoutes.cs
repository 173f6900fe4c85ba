using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>Helpers of the job-control scenarios: POST a route expecting 200, read a job, wait for a task's status, talk to the saga as a worker.</summary>
public static class JobRoutes
{
    public static async Task<JsonElement> PostOkAsync(HttpClient client, string route, string? body = null)
    {
        using var response = await client.PostAsync(new Uri(route, UriKind.Relative), body is null ? null : Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await BodyAsync(response);
    }

    /// <summary>POSTs a route expecting a problem with <paramref name="status"/>, and returns it.</summary>
    public static async Task<JsonElement> PostProblemAsync(HttpClient client, string route, string? body, HttpStatusCode status)
    {
        using var response = await client.PostAsync(new Uri(route, UriKind.Relative), body is null ? null : Json(body));
        return await AssertProblemAsync(response, status);
    }

    public static async Task<JsonElement> JobAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BodyAsync(response);
    }

    /// <summary>Reads the job until the task shows <paramref name="status"/>, so a slow relay fails with what was awaited.</summary>
    public static async Task<JsonElement> TaskWhenAsync(HttpClient client, Guid id, string taskId, string status) =>
        TaskOf(await Eventually.Until(() => JobAsync(client, id), j => TaskOf(j, taskId).GetProperty("status").GetString() == status, $"task {taskId} to be {status}"), taskId);

    public static async Task<JsonElement> JobWhenAsync(HttpClient client, Guid id, string status) =>
        await Eventually.Until(() => JobAsync(client, id), j => j.GetProperty("status").GetString() == status, $"job {id} to be {status}");

    public static JsonElement TaskOf(JsonElement job, string taskId) =>
        job.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("taskId").GetString() == taskId);

    /// <summary>Sends a worker's command to the saga and returns its outcome.</summary>
    public static async Task<CommandOutcome> SendAsync<T>(ApiFactory api, T command)
        where T : class
    {
        var client = api.Services.GetRequiredService<IClientFactory>().CreateRequestClient<T>();
        return (await client.GetResponse<CommandOutcome>(command)).Message;
    }

    public static async Task<Guid> StartAsync(ApiFactory api, HttpClient @operator, string document)
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, document);
        return await ApiCalls.StartAsync(@operator, $$$"""{"workflow":"{{{name}}}","variables":{"orderId":"O-1"}}""");
    }
}
