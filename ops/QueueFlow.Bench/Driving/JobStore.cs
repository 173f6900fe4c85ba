using Npgsql;

namespace QueueFlow.Bench.Driving;

/// <summary>Reads the run's jobs straight from QueueFlow's tables, and removes them afterwards.</summary>
internal sealed class JobStore(NpgsqlDataSource dataSource)
{
    public async Task<JobVerification> VerifyAsync(IReadOnlyList<Guid> jobIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, string>();
        await using (var command = dataSource.CreateCommand("SELECT id, status FROM queueflow.jobs WHERE id = ANY(@ids)"))
        {
            command.Parameters.AddWithValue("ids", jobIds.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                found[reader.GetGuid(0)] = reader.GetString(1);
        }

        var notCompleted = found.Where(j => j.Value != "Completed").Select(j => (j.Key, j.Value)).ToList();
        var missing = jobIds.Where(id => !found.ContainsKey(id)).ToList();
        return new JobVerification(jobIds.Count, found.Count - notCompleted.Count, notCompleted, missing);
    }

    /// <summary>
    /// Deletes the run's jobs (tasks cascade), their history and the bench workflow, so repeated runs
    /// measure against tables of the same size.
    /// </summary>
    public async Task DeleteAsync(IReadOnlyList<Guid> jobIds, string workflow, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var ids = jobIds.ToArray();
        batch.BatchCommands.Add(Command("DELETE FROM queueflow.job_history WHERE job_id = ANY(@ids)", "ids", ids));
        batch.BatchCommands.Add(Command("DELETE FROM queueflow.jobs WHERE id = ANY(@ids)", "ids", ids));
        batch.BatchCommands.Add(Command("DELETE FROM queueflow.workflow_definitions WHERE name = @name", "name", workflow));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    static NpgsqlBatchCommand Command(string sql, string parameter, object value)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue(parameter, value);
        return command;
    }
}
