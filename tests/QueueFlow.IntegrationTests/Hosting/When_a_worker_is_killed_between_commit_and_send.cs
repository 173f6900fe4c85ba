using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.IntegrationTests.Persistence;

namespace QueueFlow.IntegrationTests.Hosting;

/// <summary>
/// The outbox's promise, tested the hard way: a worker process commits a job change, and with it the
/// dispatch it must send, then dies by SIGKILL before it or any relay could send it. The next worker sends
/// it, once. To hold the dying process between its commit and its send, it runs with sending after commit
/// off and the relays' advisory lock is held meanwhile; the rows it leaves are those a crash right after
/// any commit leaves. Runs in a collection of its own: no other worker may consume the jobs queue while it does.
/// </summary>
public sealed class When_a_worker_is_killed_between_commit_and_send
{
    [Fact]
    public async Task Should_send_the_committed_dispatch_from_the_next_worker_exactly_once()
    {
        var name = QueueFlowFixture.Unique("killed");
        var directory = Directory.CreateTempSubdirectory("queueflow-killed-");
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, $"{name}.json"), Workflows.Chain(name, 2));
        await using var amqp = await RawAmqpClient.ConnectAsync();
        var runs = await amqp.CollectAsync(name);
        var jobId = Guid.NewGuid();

        await using (await RelayHold.TakeAsync(TestSettings.ConnectionString))
        {
            await using var doomed = await WorkerProcess.StartAsync(new Dictionary<string, string>
            {
                ["Workflows__Directory"] = directory.FullName,
                ["Outbox__SendAfterCommit"] = "false",
            });
            await amqp.PublishAsync("QueueFlow.Contracts:StartJob", "StartJob", $$"""{ "jobId": "{{jobId}}", "workflow": "{{name}}" }""");

            // Committed: the job with t1 Running, and t1's dispatch waiting in the outbox.
            await Eventually.Until(() => OutboxRowsAsync(jobId, "QueueFlow.Contracts.RunTask"), n => n == 1, "the dispatch to be committed to the outbox");
            await doomed.KillAsync();
            Assert.Empty(runs);
        }

        await using var next = await WorkerInstance.StartAsync(new Dictionary<string, string?> { ["Workflows:Directory"] = directory.FullName });
        var run = (await Eventually.Until(() => Task.FromResult(runs.ToArray()), r => r.Length >= 1, "the committed dispatch to be sent"))[0];
        await using (var db = next.CreateDbContext())
        {
            var t1 = await db.Jobs.Include(j => j.Tasks).AsNoTracking().SingleAsync(j => j.CorrelationId == jobId);
            Assert.Equal(t1.Tasks.Single(t => t.TaskId == "t1").AttemptId, run.GetProperty("attemptId").GetGuid());
        }

        // The job goes on from there; the second dispatch also proves the first was not sent twice.
        await amqp.PublishAsync("QueueFlow.Contracts:CompleteTask", "CompleteTask",
            $$"""{ "jobId": "{{jobId}}", "taskId": "t1", "attemptId": "{{run.GetProperty("attemptId").GetGuid()}}" }""");
        var both = await Eventually.Until(() => Task.FromResult(runs.ToArray()), r => r.Length >= 2, "t2 to be dispatched");
        Assert.Equal(["t1", "t2"], both.Select(r => r.GetProperty("taskId").GetString()));
        directory.Delete(recursive: true);
    }

    static async Task<int> OutboxRowsAsync(Guid jobId, string messageType)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM queueflow.outbox WHERE job_id = @job AND message_type = @type", connection);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("type", messageType);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
