using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class StatusCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_job_tasks_running_started_at",
                schema: "queueflow",
                table: "job_tasks",
                column: "started_at",
                filter: "status = 'Running'");

            migrationBuilder.CreateIndex(
                name: "ix_job_history_at",
                schema: "queueflow",
                table: "job_history",
                column: "at")
                .Annotation("Npgsql:IndexMethod", "brin");

            // Counts per status without counting rows (see QueueFlow.Persistence.Counts.StatusCounts): triggers append
            // +1/-1 rows to status_count_changes in the transaction that inserts, deletes or changes the status of a
            // job or task; a fold moves them into status_counts. Kept out of the EF Core model: nothing maps them, and
            // triggers are raw SQL anyway. Created and filled while the triggers' table locks keep writers out, so no
            // change is counted twice or missed.
            migrationBuilder.Sql("""
                CREATE TABLE queueflow.status_counts (
                    entity varchar(8) NOT NULL,
                    name varchar(255) NOT NULL,
                    status varchar(16) NOT NULL,
                    count bigint NOT NULL,
                    CONSTRAINT pk_status_counts PRIMARY KEY (entity, name, status));

                CREATE TABLE queueflow.status_count_changes (
                    entity varchar(8) NOT NULL,
                    name varchar(255) NOT NULL,
                    status varchar(16) NOT NULL,
                    delta integer NOT NULL);

                CREATE FUNCTION queueflow.count_job_status() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO queueflow.status_count_changes VALUES ('job', NEW.workflow, NEW.status, 1);
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO queueflow.status_count_changes VALUES ('job', OLD.workflow, OLD.status, -1);
                    ELSE
                        INSERT INTO queueflow.status_count_changes VALUES ('job', OLD.workflow, OLD.status, -1), ('job', NEW.workflow, NEW.status, 1);
                    END IF;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION queueflow.count_task_status() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO queueflow.status_count_changes VALUES ('task', coalesce(NEW.queue, ''), NEW.status, 1);
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO queueflow.status_count_changes VALUES ('task', coalesce(OLD.queue, ''), OLD.status, -1);
                    ELSE
                        INSERT INTO queueflow.status_count_changes VALUES ('task', coalesce(OLD.queue, ''), OLD.status, -1), ('task', coalesce(NEW.queue, ''), NEW.status, 1);
                    END IF;
                    RETURN NULL;
                END $$;

                -- TRUNCATE skips row triggers: forget that entity's counts with it.
                CREATE FUNCTION queueflow.forget_status_counts() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM queueflow.status_counts WHERE entity = TG_ARGV[0];
                    DELETE FROM queueflow.status_count_changes WHERE entity = TG_ARGV[0];
                    RETURN NULL;
                END $$;

                CREATE TRIGGER jobs_count_inserts AFTER INSERT ON queueflow.jobs FOR EACH ROW EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER jobs_count_deletes AFTER DELETE ON queueflow.jobs FOR EACH ROW EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER jobs_count_status AFTER UPDATE OF status, workflow ON queueflow.jobs FOR EACH ROW
                    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.workflow IS DISTINCT FROM NEW.workflow) EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER jobs_forget_counts AFTER TRUNCATE ON queueflow.jobs FOR EACH STATEMENT EXECUTE FUNCTION queueflow.forget_status_counts('job');

                CREATE TRIGGER job_tasks_count_inserts AFTER INSERT ON queueflow.job_tasks FOR EACH ROW EXECUTE FUNCTION queueflow.count_task_status();
                CREATE TRIGGER job_tasks_count_deletes AFTER DELETE ON queueflow.job_tasks FOR EACH ROW EXECUTE FUNCTION queueflow.count_task_status();
                CREATE TRIGGER job_tasks_count_status AFTER UPDATE OF status, queue ON queueflow.job_tasks FOR EACH ROW
                    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.queue IS DISTINCT FROM NEW.queue) EXECUTE FUNCTION queueflow.count_task_status();
                CREATE TRIGGER job_tasks_forget_counts AFTER TRUNCATE ON queueflow.job_tasks FOR EACH STATEMENT EXECUTE FUNCTION queueflow.forget_status_counts('task');

                INSERT INTO queueflow.status_counts
                SELECT 'job', workflow, status, count(*) FROM queueflow.jobs GROUP BY workflow, status;
                INSERT INTO queueflow.status_counts
                SELECT 'task', coalesce(queue, ''), status, count(*) FROM queueflow.job_tasks GROUP BY coalesce(queue, ''), status;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER job_tasks_forget_counts ON queueflow.job_tasks;
                DROP TRIGGER job_tasks_count_status ON queueflow.job_tasks;
                DROP TRIGGER job_tasks_count_deletes ON queueflow.job_tasks;
                DROP TRIGGER job_tasks_count_inserts ON queueflow.job_tasks;
                DROP TRIGGER jobs_forget_counts ON queueflow.jobs;
                DROP TRIGGER jobs_count_status ON queueflow.jobs;
                DROP TRIGGER jobs_count_deletes ON queueflow.jobs;
                DROP TRIGGER jobs_count_inserts ON queueflow.jobs;
                DROP FUNCTION queueflow.forget_status_counts();
                DROP FUNCTION queueflow.count_task_status();
                DROP FUNCTION queueflow.count_job_status();
                DROP TABLE queueflow.status_count_changes;
                DROP TABLE queueflow.status_counts;
                """);

            migrationBuilder.DropIndex(
                name: "ix_job_tasks_running_started_at",
                schema: "queueflow",
                table: "job_tasks");

            migrationBuilder.DropIndex(
                name: "ix_job_history_at",
                schema: "queueflow",
                table: "job_history");
        }
    }
}
