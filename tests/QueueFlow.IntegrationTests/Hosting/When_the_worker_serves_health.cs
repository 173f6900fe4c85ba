using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Hosting;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_the_worker_serves_health
{
    [Fact]
    public async Task Should_report_the_database_and_the_broker_healthy_by_name()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in TestSettings.WorkerConfiguration())
                web.UseSetting(key, value);
        });
        using var client = factory.CreateClient();

        var report = await Eventually.Until(async () =>
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            return (response.StatusCode, Body: JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }, r => r.StatusCode == HttpStatusCode.OK, "the worker to be healthy");

        Assert.Equal("Healthy", report.Body.GetProperty("status").GetString());
        var checks = report.Body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("postgresql").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_report_unhealthy_naming_the_broker_when_it_cannot_be_reached()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in TestSettings.WorkerConfiguration())
                web.UseSetting(key, value);
            web.UseSetting("RabbitMq:Port", "1");
        });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("masstransit-bus").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("postgresql").GetProperty("status").GetString());
    }
}
