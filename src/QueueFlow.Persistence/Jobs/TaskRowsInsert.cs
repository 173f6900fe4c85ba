using Npgsql;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// The new task rows of one write (a job's start inserts all its tasks), or of every write of a group, as one statement
/// over column arrays (<see cref="TaskColumnArrays"/>): one executor start and one set of parameters whatever the number
/// of tasks, instead of a statement of 22 parameters per task.
/// </summary>
internal static class TaskRowsInsert
{
    private const string Sql = $"""
        INSERT INTO queueflow.job_tasks ({TaskColumnArrays.Names})
        SELECT * FROM {TaskColumnArrays.Unnest}
        """;

    public static NpgsqlBatchCommand Command(IReadOnlyList<JobTask> tasks) => TaskColumnArrays.Command(Sql, tasks);
}
