using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <summary>
    /// Task rows written before the OpsApi migration have no task-run id, so a Prefect client could not name their tasks.
    /// They get the id the worker gives every task: TaskRunIds.For (QueueFlow.Core), the name-based UUID (version 8,
    /// SHA-256) of the job id, task id and iteration, computed here in SQL byte for byte as it is in C#.
    /// </summary>
    public partial class TaskRunIdsBackfilled : Migration
    {
        /// <summary>The backfill; tested against TaskRunIds.For on a database migrated to the migration before this one.</summary>
        public const string Backfill = """
            UPDATE queueflow.job_tasks AS t
            SET task_run_id = encode(set_byte(set_byte(h.bytes, 6, (get_byte(h.bytes, 6) & 15) | 128), 8, (get_byte(h.bytes, 8) & 63) | 128), 'hex')::uuid
            FROM (SELECT job_id, task_id,
                         substring(sha256(convert_to('queueflow:task-run' || E'\n' || job_id::text || E'\n' || task_id || E'\n' || iteration::text, 'UTF8')) FROM 1 FOR 16) AS bytes
                  FROM queueflow.job_tasks
                  WHERE task_run_id IS NULL) AS h
            WHERE t.job_id = h.job_id AND t.task_id = h.task_id
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Backfill);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the ids are what the worker would have given these rows, and later rows have them too.
        }
    }
}
