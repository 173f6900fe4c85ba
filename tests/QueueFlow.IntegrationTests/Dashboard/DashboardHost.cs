using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using QueueFlow.IntegrationTests.Api;

namespace QueueFlow.IntegrationTests.Dashboard;

/// <summary>
/// The worker host on a real Kestrel port (a browser cannot reach the in-memory test server) and one headless
/// Debian chromium for the whole class, started through ExecutablePath since Playwright cannot download browsers here.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;
    IPlaywright playwright = null!;

    public async Task InitializeAsync()
    {
        Api.UseKestrel(0);
        Api.StartServer();
        var address = Api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("QUEUEFLOW_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) with a page that records console errors.</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> ConsoleErrors)> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseUrl.ToString(), ViewportSize = new() { Width = 1200, Height = 800 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        return (context, page, errors);
    }

    public static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/dashboard/");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/signin$"));
        await page.FillAsync("input[name=key]", key);
        await page.ClickAsync("button:has-text('Sign in')");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
    }

    public async Task DisposeAsync()
    {
        // The worker host goes away even when the browser's shutdown fails: a host left running would keep consuming
        // and relaying the outbox for the tests that follow.
        try
        {
            await Browser.DisposeAsync();
            playwright.Dispose();
        }
        finally
        {
            await Api.DisposeAsync();
        }
    }
}
