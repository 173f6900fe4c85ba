using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.DeadLetters;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Dashboard;

/// <summary>The dashboard in headless chromium against the real services: what an operator and a reader see and do.</summary>
[Collection(DashboardGroup.Name)]
public sealed class When_the_dashboard_is_used_in_a_browser(DashboardHost host) : IClassFixture<DashboardHost>
{
    static readonly string Screenshots = Path.Combine(RepoRoot(), "docs", "screenshots");

    [Fact]
    public async Task Should_show_the_jobs_the_database_holds_on_the_overview()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-overview"), 2));
        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        await TaskWhenAsync(admin, id, "t1", "Running");

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        // Every job status tile against the database's own count, read at the same moment: jobs of earlier tests may
        // still be finishing, so the two are compared until they agree (the page refreshes itself) or time runs out.
        var factory = host.Api.Services.GetRequiredService<IDbContextFactory<QueueFlow.Persistence.QueueFlowDbContext>>();
        await Eventually.Until(
            async () =>
            {
                await using var db = await factory.CreateDbContextAsync();
                var counts = await db.Jobs.GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
                var mismatches = new List<string>();
                foreach (var status in Enum.GetValues<JobStatus>())
                {
                    var expected = counts.FirstOrDefault(c => c.Key == status)?.Count ?? 0;
                    var shown = await page.Locator($"[data-jobs={status}] b").TextContentAsync();
                    if (shown != expected.ToString(System.Globalization.CultureInfo.InvariantCulture))
                        mismatches.Add($"{status}: page {shown}, database {expected}");
                }
                return string.Join("; ", mismatches);
            },
            mismatch => mismatch.Length == 0,
            "the overview's job counts to match the database",
            TimeSpan.FromSeconds(60));
        await Assertions.Expect(page.Locator("svg.chart")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "overview.png") });

        await page.ClickAsync("[data-jobs=Running]");
        await Assertions.Expect(page.Locator($"tr[data-job='{id}']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "jobs.png") });
        await page.ClickAsync($"a[href$='/jobs/{id}']");
        await Assertions.Expect(page.Locator("svg.graph g[data-task=t1].s-Running")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_show_a_task_failing_without_a_reload_and_retry_it_to_completion()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-retry"), 1));
        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        var attempt = (await TaskWhenAsync(admin, id, "t1", "Running")).GetProperty("attemptId").GetGuid();

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        var stream = page.WaitForResponseAsync(r => r.Url.EndsWith($"/dashboard/events?jobId={id}", StringComparison.Ordinal));
        await page.GotoAsync($"/dashboard/jobs/{id}");
        await Assertions.Expect(page.Locator("[data-task-status]")).ToHaveTextAsync("Running");
        var events = await stream;
        Assert.Equal(200, events.Status);
        Assert.StartsWith("text/event-stream", events.Headers["content-type"], StringComparison.Ordinal);

        // The failure happens behind the page's back; the page must show it by itself, from the job's event stream
        // (without the stream the page re-reads itself only every 30 s, after this wait has given up).
        Assert.Equal(CommandStatus.Accepted, (await SendAsync(host.Api, new FailTask { JobId = id, TaskId = "t1", AttemptId = attempt, Error = "printer on fire", Terminal = true })).Status);
        await Assertions.Expect(page.Locator("[data-task-status]")).ToHaveTextAsync("Failed", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("tr[data-task=t1] .error-text")).ToHaveTextAsync("printer on fire");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "job.png") });

        await page.ClickAsync("button[data-action=retry]");
        var retried = await TaskWhenAsync(admin, id, "t1", "Running");
        Assert.Equal(CommandStatus.Accepted, (await SendAsync(host.Api, new CompleteTask { JobId = id, TaskId = "t1", AttemptId = retried.GetProperty("attemptId").GetGuid() })).Status);
        await Assertions.Expect(page.Locator("[data-job-status]")).ToHaveTextAsync("Completed", new() { Timeout = 15_000 });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_cancel_every_open_job_of_a_filter_after_confirmation()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-bulk"), 1));
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}"""));

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        // Only finished statuses chosen: nothing to cancel, and the button says so before anyone clicks.
        await page.GotoAsync($"/dashboard/jobs?workflow={name}&status=Completed");
        await Assertions.Expect(page.Locator("button[name=bulk][value=cancel]")).ToHaveTextAsync("Cancel 0 open jobs of this filter");
        await Assertions.Expect(page.Locator("button[name=bulk][value=cancel]")).ToBeDisabledAsync();

        await page.GotoAsync($"/dashboard/jobs?workflow={name}&status=Running");
        await Assertions.Expect(page.Locator("button[name=bulk][value=cancel]")).ToHaveTextAsync("Cancel 3 open jobs of this filter");
        var asked = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            asked.Add(dialog.Message);
            dialog.AcceptAsync();
        };
        await page.ClickAsync("button[name=bulk][value=cancel]");
        await Assertions.Expect(page.Locator(".message")).ToHaveTextAsync("cancelled 3 of 3 matched", new() { Timeout = 30_000 });
        Assert.Equal(["Cancel the 3 open jobs of this filter?"], asked);
        foreach (var id in ids)
            await JobWhenAsync(admin, id, "Cancelled");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_retry_the_failed_tasks_of_a_filter_showing_the_counts_as_it_goes()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-bulk-retry"), 1));
        var ids = await FailedJobsAsync(admin, name, 5, "paper jam");

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        await page.GotoAsync($"/dashboard/jobs?workflow={name}&status=Failed");
        // Every text the progress output shows, kept where the list page the run ends on can still read it: each
        // assignment replaces the output's text node, so each added node is one step the user saw. The whole page is
        // watched because the live refresh may swap in a new output element at any time before the click.
        await page.EvaluateAsync("""
            () => {
              sessionStorage.setItem("progress", "[]");
              new MutationObserver((records) => {
                const seen = JSON.parse(sessionStorage.getItem("progress"));
                for (const record of records)
                  if (record.target.matches && record.target.matches("[data-bulk-progress]"))
                    for (const node of record.addedNodes) seen.push(node.textContent);
                sessionStorage.setItem("progress", JSON.stringify(seen));
              }).observe(document.body, { childList: true, subtree: true });
            }
            """);
        await Assertions.Expect(page.Locator("button[name=bulk][value=retry]")).ToHaveTextAsync("Retry 5 failed tasks of this filter");
        var asked = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            asked.Add(dialog.Message);
            dialog.AcceptAsync();
        };
        await page.ClickAsync("button[name=bulk][value=retry]");
        await Assertions.Expect(page.Locator(".message")).ToHaveTextAsync("retried 5 of 5 matched", new() { Timeout = 30_000 });
        Assert.Equal(["Retry the 5 failed or timed-out tasks of this filter's jobs?"], asked);

        // Two jobs an API request in this host (DashboardHost): the counts moved on after each of the three pages.
        var progress = System.Text.Json.JsonSerializer.Deserialize<List<string>>(await page.EvaluateAsync<string>("() => sessionStorage.getItem('progress')"))!;
        Assert.Equal(["working…", "retried 2 of 2 matched so far", "retried 4 of 4 matched so far", "retried 5 of 5 matched so far"], progress.Take(4));
        foreach (var id in ids)
            await TaskWhenAsync(admin, id, "t1", "Running");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_list_the_tasks_behind_the_overviews_queue_figures()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-tasks"), 2));
        var running = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        await TaskWhenAsync(admin, running, "t1", "Running");
        var failed = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        var attempt = (await TaskWhenAsync(admin, failed, "t1", "Running")).GetProperty("attemptId").GetGuid();
        Assert.Equal(CommandStatus.Accepted, (await SendAsync(host.Api, new FailTask { JobId = failed, TaskId = "t1", AttemptId = attempt, Error = "toner low", Terminal = true })).Status);
        await JobWhenAsync(admin, failed, "Failed");

        await DashboardHost.SignInAsync(page, ApiFactory.ReaderKey);
        // The queue is named after the workflow (Workflows.Chain): its row counts one running and one failed task.
        var row = page.Locator($"tr[data-queue='{name}']");
        await Assertions.Expect(row.Locator("a[data-figure=running]")).ToHaveTextAsync("1");
        await Assertions.Expect(row.Locator("a[data-figure=failed]")).ToHaveTextAsync("1");

        await row.Locator("a[data-figure=running]").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Tasks");
        await Assertions.Expect(page.Locator("input[name=status][value=Running]")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("table.tasks tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-job='{running}'][data-task=t1] .badge")).ToHaveTextAsync("Running");

        await page.GoBackAsync();
        await row.Locator("a[data-figure=failed]").ClickAsync();
        await Assertions.Expect(page.Locator("table.tasks tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-job='{failed}'][data-task=t1] .error-text")).ToHaveTextAsync("toner low");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "tasks.png") });
        await page.ClickAsync($"tr[data-job='{failed}'] a");
        await Assertions.Expect(page.Locator("[data-job-status]")).ToHaveTextAsync("Failed");

        // The overview's oldest running tasks lead to every running task; its status tiles to the list by status alone.
        await page.ClickAsync("header nav a:has-text('Overview')");
        await Assertions.Expect(page.Locator("table.oldest tbody tr")).Not.ToHaveCountAsync(0);
        await page.ClickAsync("a:has-text('All running tasks')");
        await Assertions.Expect(page.Locator("input[name=status][value=Running]")).ToBeCheckedAsync();
        await page.GoBackAsync();
        await page.ClickAsync("[data-tasks=Failed]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard/tasks\\?status=Failed$"));
        await Assertions.Expect(page.Locator("input[name=status][value=Failed]")).ToBeCheckedAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_retry_the_failed_tasks_of_a_queue_from_the_task_list_after_confirming_their_count()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-task-retry"), 1));
        var failed = await FailedJobsAsync(admin, name, 2, "ink out");

        var running = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        await TaskWhenAsync(admin, running, "t1", "Running");

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        // The queue is named after the workflow (Workflows.Chain). Running tasks are not retried: nothing to take.
        await page.GotoAsync($"/dashboard/tasks?queue={name}&status=Running");
        await Assertions.Expect(page.Locator("table.tasks tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("button[name=bulk][value=retry]")).ToHaveTextAsync("Retry 0 failed tasks of this filter");
        await Assertions.Expect(page.Locator("button[name=bulk][value=retry]")).ToBeDisabledAsync();

        await page.GotoAsync($"/dashboard/tasks?queue={name}&status=Failed");
        await Assertions.Expect(page.Locator("button[name=bulk][value=retry]")).ToHaveTextAsync("Retry 2 failed tasks of this filter");
        var asked = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            asked.Add(dialog.Message);
            dialog.AcceptAsync();
        };
        await page.ClickAsync("button[name=bulk][value=retry]");
        await Assertions.Expect(page.Locator(".message")).ToHaveTextAsync("retried 2 of 2 matched", new() { Timeout = 30_000 });
        Assert.Equal(["Retry the 2 failed or timed-out tasks of this filter?"], asked);
        Assert.Contains($"queue={name}", page.Url, StringComparison.Ordinal);
        foreach (var id in failed)
            await TaskWhenAsync(admin, id, "t1", "Running");
        Assert.Equal("Running", (await JobAsync(admin, running)).GetProperty("status").GetString());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_show_a_reader_no_actions_and_refuse_forged_requests()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-reader"), 1));
        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        await TaskWhenAsync(admin, id, "t1", "Running");

        // Nothing without a key.
        var anonymous = await page.APIRequest.PostAsync($"/dashboard/jobs/{id}/cancel", new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Unauthorized, anonymous.Status);

        await DashboardHost.SignInAsync(page, ApiFactory.ReaderKey);
        await page.GotoAsync($"/dashboard/jobs/{id}");
        await Assertions.Expect(page.Locator("[data-job-status]")).ToHaveTextAsync("Running");
        await Assertions.Expect(page.Locator("button[data-action]")).ToHaveCountAsync(0);
        await page.GotoAsync("/dashboard/jobs");
        await Assertions.Expect(page.Locator("form.bulk")).ToHaveCountAsync(0);
        await page.GotoAsync("/dashboard/tasks?status=Failed");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Tasks");
        await Assertions.Expect(page.Locator("form.bulk")).ToHaveCountAsync(0);

        // The reader's own cookie and a valid token still cannot act; no token at all is refused before anything else.
        var token = await page.Locator("header form input[type=hidden]").First.GetAttributeAsync("value");
        var field = await page.Locator("header form input[type=hidden]").First.GetAttributeAsync("name");
        var withToken = await page.APIRequest.PostAsync($"/dashboard/jobs/{id}/cancel", new() { Form = FormOf(page, field!, token!), MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Forbidden, withToken.Status);
        var forged = await page.APIRequest.PostAsync($"/dashboard/jobs/{id}/cancel", new() { Form = FormOf(page, field!, "forged"), MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.BadRequest, forged.Status);
        var bulkRetry = await page.APIRequest.PostAsync("/dashboard/tasks/bulk", new() { Form = FormOf(page, field!, token!), MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Forbidden, bulkRetry.Status);
        foreach (var count in new[] { "/dashboard/jobs/bulk/count", "/dashboard/tasks/bulk/count" })
            Assert.Equal((int)HttpStatusCode.Forbidden, (await page.APIRequest.PostAsync(count, new() { Form = FormOf(page, field!, token!), MaxRedirects = 0 })).Status);
        Assert.Equal("Running", (await JobAsync(admin, id)).GetProperty("status").GetString());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_draw_each_workflow_version_and_open_every_page_without_console_errors()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-graph"), 3));

        await DashboardHost.SignInAsync(page, ApiFactory.ReaderKey);
        await page.GotoAsync($"/dashboard/workflows?name={name}");
        // The list is paged and other tests register many workflows; the chosen one is named above its graph.
        await Assertions.Expect(page.Locator("section h2")).ToContainTextAsync($"{name} v1");
        foreach (var task in new[] { "t1", "t2", "t3" })
            await Assertions.Expect(page.Locator($"svg.graph g[data-task={task}]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "workflows.png") });

        // Every page in the navigation, through its link, renders and logs nothing to the console.
        foreach (var (link, heading) in new[] { ("Dead letters", "Dead letters"), ("Jobs", "Jobs"), ("Tasks", "Tasks"), ("Workflows", "Workflows"), ("Overview", "Overview") })
        {
            await page.ClickAsync($"header nav a:has-text('{link}')");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(heading);
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_claim_and_finish_a_manual_task_from_the_job_page()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, $$"""
            {
              "name": "{{QueueFlowFixture.Unique("dash-manual")}}",
              "tasks": [ { "id": "review", "kind": "manual" } ],
              "transitions": [ { "from": "workflow_start", "to": "review" }, { "from": "review", "to": "workflow_end" } ]
            }
            """);
        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        await TaskWhenAsync(admin, id, "review", "Running");

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        await page.GotoAsync($"/dashboard/jobs/{id}");
        await page.ClickAsync("tr[data-task=review] button[data-action=claim]");
        await Assertions.Expect(page.Locator("tr[data-task=review] button[data-action=finish]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ClickAsync("tr[data-task=review] button[data-action=finish]");
        await Assertions.Expect(page.Locator("[data-job-status]")).ToHaveTextAsync("Completed", new() { Timeout = 15_000 });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_let_an_admin_register_a_workflow_and_no_one_else()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = QueueFlowFixture.Unique("dash-register");

        await DashboardHost.SignInAsync(page, ApiFactory.AdminKey);
        await page.GotoAsync("/dashboard/workflows");

        // A definition the API refuses: its reason is shown and the text is kept for the next try.
        var invalid = $$"""{ "name": "{{name}}", "tasks": [ { "id": "t1", "queue": "q" } ], "transitions": [ { "from": "workflow_start", "to": "nowhere" } ] }""";
        await page.ClickAsync("details.register summary");
        await page.FillAsync("textarea[name=definition]", invalid);
        await page.ClickAsync("button[data-action=register]");
        await Assertions.Expect(page.Locator("p.message")).ToContainTextAsync("nowhere");
        await Assertions.Expect(page.Locator("textarea[name=definition]")).ToHaveValueAsync(invalid);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri($"/api/workflows/{name}", UriKind.Relative))).StatusCode);

        await page.FillAsync("textarea[name=definition]", Workflows.Chain(name, 2));
        await page.ClickAsync("button[data-action=register]");
        await Assertions.Expect(page.Locator("p.message")).ToHaveTextAsync($"registered {name} v1");
        await Assertions.Expect(page.Locator("section h2")).ToContainTextAsync($"{name} v1");
        await Assertions.Expect(page.Locator("svg.graph g[data-task=t2]")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri($"/api/workflows/{name}", UriKind.Relative))).StatusCode);

        // An operator sees no form, and its POST with a valid token is refused before the API is asked.
        var (operatorContext, operatorPage, operatorErrors) = await host.NewPageAsync();
        await using var __ = operatorContext;
        await DashboardHost.SignInAsync(operatorPage, ApiFactory.OperatorKey);
        await operatorPage.GotoAsync("/dashboard/workflows");
        await Assertions.Expect(operatorPage.Locator("h1")).ToHaveTextAsync("Workflows");
        await Assertions.Expect(operatorPage.Locator("details.register")).ToHaveCountAsync(0);
        var token = await operatorPage.Locator("header form input[type=hidden]").First.GetAttributeAsync("value");
        var field = await operatorPage.Locator("header form input[type=hidden]").First.GetAttributeAsync("name");
        var form = FormOf(operatorPage, field!, token!);
        form.Set("definition", Workflows.Chain(name, 3));
        var refused = await operatorPage.APIRequest.PostAsync("/dashboard/workflows", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
        var versions = await admin.GetAsync(new Uri($"/api/workflows/{name}/versions/2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, versions.StatusCode);
        Assert.Empty(errors);
        Assert.Empty(operatorErrors);
    }

    [Fact]
    public async Task Should_replay_one_dead_letter_and_discard_another_from_the_dead_letter_page()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        using var admin = host.Api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("dash-dead"), 2));
        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        var attempt = (await TaskWhenAsync(admin, id, "t1", "Running")).GetProperty("attemptId").GetGuid();
        // A completion that failed to apply, and a message nobody wants back, as the error-queue mover stores them.
        var completion = await DeadLetterCalls.CaptureAsync(host.Api.Services, id, "QueueFlow.Contracts.CompleteTask", $$"""{ "jobId": "{{id}}", "taskId": "t1", "attemptId": "{{attemptId(attempt)}}" }""");
        var unwanted = await DeadLetterCalls.CaptureAsync(host.Api.Services, id, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{id}}" }""");

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        await page.GotoAsync("/dashboard/dead-letters?status=Pending");
        await page.ClickAsync($"tr[data-dead-letter='{completion}'] button[data-action=replay]");
        await Assertions.Expect(page.Locator("p.message")).ToHaveTextAsync("replay: 1 of 1 done");
        await TaskWhenAsync(admin, id, "t1", "Completed");
        await TaskWhenAsync(admin, id, "t2", "Running");

        await page.GotoAsync("/dashboard/dead-letters?status=Pending");
        await page.ClickAsync($"tr[data-dead-letter='{unwanted}'] button[data-action=discard]");
        await Assertions.Expect(page.Locator("p.message")).ToHaveTextAsync("discard: 1 of 1 done");
        Assert.Equal("Running", (await JobAsync(admin, id)).GetProperty("status").GetString());

        await page.GotoAsync($"/dashboard/dead-letters/{unwanted}");
        await Assertions.Expect(page.Locator("[data-dead-letter-detail]")).ToContainTextAsync("Discarded");
        await using var db = await host.Api.Services.GetRequiredService<IDbContextFactory<QueueFlow.Persistence.QueueFlowDbContext>>().CreateDbContextAsync();
        var statuses = await db.DeadLetters.Where(d => d.Id == completion || d.Id == unwanted).ToDictionaryAsync(d => d.Id, d => d.Status.ToString());
        Assert.Equal(("Replayed", "Discarded"), (statuses[completion], statuses[unwanted]));
        Assert.Empty(errors);

        static string attemptId(Guid attempt) => attempt.ToString();
    }

    [Fact]
    public async Task Should_replay_a_dead_letter_to_another_queue_from_its_detail_and_refuse_a_destination_the_broker_cannot_take()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await using var amqp = await RawAmqpClient.ConnectAsync();
        var queue = QueueFlowFixture.Unique($"dash-elsewhere-{Guid.NewGuid():N}");
        var arrived = await amqp.CollectWithIdsAsync(queue);
        var jobId = Guid.NewGuid();
        var letter = await DeadLetterCalls.CaptureAsync(host.Api.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}", "reason": "consumer moved" }""");

        await DashboardHost.SignInAsync(page, ApiFactory.OperatorKey);
        await page.GotoAsync($"/dashboard/dead-letters/{letter}");
        var form = page.Locator("form.replay-to");
        await Assertions.Expect(form.Locator("input[name=destination]")).ToHaveAttributeAsync("placeholder", $"exchange:{TestSettings.JobsQueue}");
        await form.Locator("input[name=destination]").FillAsync("queue:two words");
        await form.Locator("button[data-action=replay-to]").ClickAsync();
        await Assertions.Expect(page.Locator("p.message")).ToContainTextAsync("may hold only letters, digits");

        await page.GotoAsync($"/dashboard/dead-letters/{letter}");
        await form.Locator("input[name=destination]").FillAsync($"queue:{queue}");
        await form.Locator("button[data-action=replay-to]").ClickAsync();
        await Assertions.Expect(page.Locator("p.message")).ToHaveTextAsync($"replay: 1 of 1 done (to queue:{queue})");

        var message = Assert.Single(await Eventually.Until(() => Task.FromResult(arrived.ToArray()), m => m.Length > 0, $"the replay in {queue}"));
        Assert.Equal("consumer moved", message.Body.GetProperty("reason").GetString());
        await page.GotoAsync($"/dashboard/dead-letters/{letter}");
        await Assertions.Expect(page.Locator("[data-dead-letter-detail]")).ToContainTextAsync($"to queue:{queue} instead of exchange:{TestSettings.JobsQueue}");
        await Assertions.Expect(page.Locator("form.replay-to")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Should_answer_an_oversized_form_and_a_malformed_job_id_with_a_specific_4xx()
    {
        var (context, page, errors) = await host.NewPageAsync();
        await using var _ = context;
        await DashboardHost.SignInAsync(page, ApiFactory.AdminKey);
        await page.GotoAsync("/dashboard/workflows");
        var token = await page.Locator("header form input[type=hidden]").First.GetAttributeAsync("value");
        var field = await page.Locator("header form input[type=hidden]").First.GetAttributeAsync("name");

        // Over ASP.NET Core's 4 MiB limit for one form value.
        var form = FormOf(page, field!, token!);
        form.Set("definition", new string('x', 5 * 1024 * 1024));
        var tooLarge = await page.APIRequest.PostAsync("/dashboard/workflows", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.RequestEntityTooLarge, tooLarge.Status);
        Assert.StartsWith("application/problem+json", tooLarge.Headers["content-type"], StringComparison.Ordinal);

        var badId = await page.APIRequest.GetAsync("/dashboard/events?jobId=not-a-job");
        Assert.Equal((int)HttpStatusCode.BadRequest, badId.Status);
        Assert.Contains("jobId", await badId.TextAsync(), StringComparison.Ordinal);

        // The dashboard still answers after both.
        await page.GotoAsync("/dashboard/workflows");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Workflows");
        Assert.Empty(errors);
    }

    /// <summary>Starts <paramref name="count"/> jobs of a one-task chain and fails each one's t1 for good with <paramref name="error"/>.</summary>
    async Task<List<Guid>> FailedJobsAsync(HttpClient admin, string workflow, int count, string error)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{workflow}}"}""");
            var attempt = (await TaskWhenAsync(admin, id, "t1", "Running")).GetProperty("attemptId").GetGuid();
            Assert.Equal(CommandStatus.Accepted, (await SendAsync(host.Api, new FailTask { JobId = id, TaskId = "t1", AttemptId = attempt, Error = error, Terminal = true })).Status);
            await JobWhenAsync(admin, id, "Failed");
            ids.Add(id);
        }

        return ids;
    }

    static IFormData FormOf(IPage page, string field, string value)
    {
        var form = page.APIRequest.CreateFormData();
        form.Set(field, value);
        return form;
    }

    static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QueueFlow.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
