using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The worker's connections prepare the statements every message repeats and skip the reset on return to
/// the pool, unless the connection string says otherwise: PostgreSQL's planning and DISCARD ALL are CPU it
/// shares with the worker.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class When_the_worker_connects_to_postgresql(PersistenceFixture fixture)
{
    [Fact]
    public async Task Should_prepare_the_statements_it_repeats()
    {
        var db = fixture.CreateDbContext();
        await using (db)
        {
            await db.Database.OpenConnectionAsync();
            var jobId = Guid.NewGuid();

            // Auto-prepare kicks in on a statement's later executions, not its first.
            for (var i = 0; i < 5; i++)
                _ = await db.Jobs.AsNoTracking().Where(j => j.CorrelationId == jobId).CountAsync();

            var prepared = await db.Database
                .SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM pg_prepared_statements WHERE statement ILIKE '%FROM queueflow.jobs%'")
                .SingleAsync();
            Assert.True(prepared > 0, "the repeated job query was never prepared in this session");
        }
    }

    [Fact]
    public void Should_keep_what_the_connection_string_sets_itself()
    {
        var db = CreateDbContext(fixture.ConnectionString.TrimEnd(';') + ";Max Auto Prepare=0;No Reset On Close=false");
        using (db)
        {
            var used = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
            Assert.Equal(0, used.MaxAutoPrepare);
            Assert.False(used.NoResetOnClose);
        }
    }

    [Fact]
    public void Should_prepare_and_skip_the_reset_when_the_connection_string_is_silent()
    {
        Assert.DoesNotContain("prepare", fixture.ConnectionString, StringComparison.OrdinalIgnoreCase);
        var db = CreateDbContext(fixture.ConnectionString);
        using (db)
        {
            var used = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
            Assert.True(used.MaxAutoPrepare > 0);
            Assert.True(used.NoResetOnClose);
        }
    }

    [Fact]
    public void Should_open_lookups_and_timers_from_pools_apart_from_the_handlers_one()
    {
        var written = fixture.ConnectionString.TrimEnd(';') + ";Application Name=billing-flows;Minimum Pool Size=10";
        string handlers;
        using (var db = CreateDbContext(written))
            handlers = db.Database.GetConnectionString()!;

        var lookups = new NpgsqlConnectionStringBuilder(QueueFlow.Persistence.SidePools.For(written, "workflow lookups", 4));
        var timers = new NpgsqlConnectionStringBuilder(QueueFlow.Persistence.SidePools.For(written, "timers"));

        // Npgsql pools by connection string: a different one is a different pool, told apart in pg_stat_activity by name.
        Assert.Equal(3, new[] { handlers, lookups.ConnectionString, timers.ConnectionString }.Distinct().Count());
        Assert.Equal("billing-flows (workflow lookups)", lookups.ApplicationName);
        Assert.Equal("billing-flows (timers)", timers.ApplicationName);
        Assert.Equal(4, lookups.MaxPoolSize);
        Assert.Equal(new NpgsqlConnectionStringBuilder(written).MaxPoolSize, timers.MaxPoolSize);

        // A minimum above a side pool's maximum would refuse to open; idle side connections are not kept.
        Assert.All(new[] { lookups, timers }, side => Assert.Equal(0, side.MinPoolSize));
        var origin = new NpgsqlConnectionStringBuilder(written);
        Assert.All(new[] { lookups, timers }, side =>
        {
            Assert.Equal((origin.Host, origin.Port, origin.Database, origin.Username), (side.Host, side.Port, side.Database, side.Username));
        });
        Assert.Equal("QueueFlow (timers)", new NpgsqlConnectionStringBuilder(QueueFlow.Persistence.SidePools.For(fixture.ConnectionString, "timers")).ApplicationName);
    }

    private static QueueFlow.Persistence.QueueFlowDbContext CreateDbContext(string connectionString)
    {
        var options = new DbContextOptionsBuilder<QueueFlow.Persistence.QueueFlowDbContext>();
        QueueFlow.Persistence.QueueFlowDbContextOptions.Configure(options, connectionString);
        return new QueueFlow.Persistence.QueueFlowDbContext(options.Options);
    }
}
