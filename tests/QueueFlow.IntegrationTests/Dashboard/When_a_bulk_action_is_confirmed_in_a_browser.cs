using Microsoft.Playwright;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Dashboard;

/// <summary>
/// A bulk button's count is taken when its page is drawn. Jobs start and end while the operator reads, so the click
/// asks again, and the dialog names what the action would take now. The page's live feed is held back in these tests
/// (its request never answered), so what the page shows changes only through that second count.
/// </summary>
[Collection(DashboardGroup.Name)]
public sealed class When_a_bulk_action_is_confirmed_in_a_browser(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task Should_name_the_jobs_the_filter_matches_when_clicked_not_when_drawn()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-recount"), 1));
        List<Guid> ids = [await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""")];
        await JobWhenAsync(admin, ids[0], "Running");

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        await HoldBackTheLiveFeedAsync(page);
        await page.GotoAsync($"/dashboard/jobs?workflow={name}&status=Running");
        var cancel = page.Locator("button[name=bulk][value=cancel]");
        await Assertions.Expect(cancel).ToHaveTextAsync("Cancel 1 open jobs of this filter");

        // Two more start while the page is open.
        for (var i = 0; i < 2; i++)
            ids.Add(await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}"""));
        foreach (var id in ids)
            await JobWhenAsync(admin, id, "Running");
        await Assertions.Expect(cancel).ToHaveTextAsync("Cancel 1 open jobs of this filter");

        var asked = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            asked.Add(dialog.Message);
            dialog.AcceptAsync();
        };
        await cancel.ClickAsync();
        await Assertions.Expect(page.Locator(".message")).ToHaveTextAsync("cancelled 3 of 3 matched", new() { Timeout = 30_000 });
        Assert.Equal(["Cancel the 3 open jobs of this filter?"], asked);
        foreach (var id in ids)
            await JobWhenAsync(admin, id, "Cancelled");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_ask_nothing_and_say_so_when_nothing_is_left_to_take()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-recount-none"), 1));
        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        await JobWhenAsync(admin, id, "Running");

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        await HoldBackTheLiveFeedAsync(page);
        await page.GotoAsync($"/dashboard/jobs?workflow={name}&status=Running");
        var cancel = page.Locator("button[name=bulk][value=cancel]");
        await Assertions.Expect(cancel).ToHaveTextAsync("Cancel 1 open jobs of this filter");

        // Someone else cancels it first.
        await PostOkAsync(admin, $"/api/jobs/{id}/cancel");
        await JobWhenAsync(admin, id, "Cancelled");

        var asked = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            asked.Add(dialog.Message);
            dialog.DismissAsync();
        };
        await cancel.ClickAsync();
        await Assertions.Expect(page.Locator("[data-bulk-progress]")).ToHaveTextAsync("nothing to do: the filter matches none now");
        await Assertions.Expect(cancel).ToHaveTextAsync("Cancel 0 open jobs of this filter");
        await Assertions.Expect(cancel).ToBeDisabledAsync();
        Assert.Empty(asked);
        Assert.Empty(errors);
    }

    /// <summary>Leaves the page's live feed unanswered, so the page does not redraw itself as the jobs change.</summary>
    static async Task HoldBackTheLiveFeedAsync(IPage page) => await page.RouteAsync("**/dashboard/events**", _ => Task.CompletedTask);
}
