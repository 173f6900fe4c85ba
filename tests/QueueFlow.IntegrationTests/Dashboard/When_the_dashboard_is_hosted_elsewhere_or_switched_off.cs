using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using QueueFlow.Dashboard;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Dashboard;

/// <summary>The dashboard in a web host of its own that reads a QueueFlow API elsewhere, and a worker host without it.</summary>
[Collection(DashboardGroup.Name)]
public sealed class When_the_dashboard_is_hosted_elsewhere_or_switched_off(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task Should_serve_the_pages_from_a_host_of_its_own_reading_the_workers_api()
    {
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-own-host"), 1));
        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        await TaskWhenAsync(admin, id, "t1", "Running");

        // Only the dashboard, in the smallest web host (CreateSlimBuilder registers no regex route constraint, which the
        // dashboard's routes need: AddQueueFlowDashboard brings it): no database, broker or API here, a path of its own,
        // the worker's API by URL.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Dashboard:Path"] = "/ops";
        builder.Configuration["Dashboard:ApiUrl"] = host.BaseUrl.ToString();
        builder.Services.AddQueueFlowDashboard(builder.Configuration);
        await using var app = builder.Build();
        app.MapQueueFlowDashboard();
        await app.StartAsync();
        var own = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var context = await host.Browser.NewContextAsync(new() { BaseURL = own });
        await using var _ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync("/ops/");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ops/signin$"));
        await page.FillAsync("input[name=key]", ApiFactory.ReaderKey);
        await page.ClickAsync("button:has-text('Sign in')");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync("reader");
        await page.GotoAsync($"/ops/jobs?workflow={name}");
        await Assertions.Expect(page.Locator($"tr[data-job='{id}'] .badge")).ToHaveTextAsync("Running");
        await page.ClickAsync($"a[href='/ops/jobs/{id}']");
        await Assertions.Expect(page.Locator("svg.graph g[data-task=t1].s-Running")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_leave_a_worker_host_with_the_api_alone_when_switched_off()
    {
        await using var api = new ApiFactory { ConfigureExtra = web => web.UseSetting("Dashboard:Enabled", "false") };
        using var reader = api.ClientWith(ApiFactory.ReaderKey);

        using var page = await reader.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        using var signIn = await reader.GetAsync(new Uri("/dashboard/signin", UriKind.Relative));
        using var stats = await reader.GetAsync(new Uri("/api/stats", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }
}
