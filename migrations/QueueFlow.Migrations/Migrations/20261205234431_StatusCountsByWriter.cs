using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class StatusCountsByWriter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The job write (QueueFlow.Persistence.Jobs.JobChangeBatch) nets its own status changes into one set of rows and
            // says so for its transaction (queueflow.counted_by_writer = on): the row triggers, which add two rows per
            // status change and run a function for each, skip its rows. Every other writer (plain SQL included) is still
            // counted by them.
            migrationBuilder.Sql("""
                DROP TRIGGER jobs_count_inserts ON queueflow.jobs;
                DROP TRIGGER jobs_count_deletes ON queueflow.jobs;
                DROP TRIGGER jobs_count_status ON queueflow.jobs;
                DROP TRIGGER job_tasks_count_inserts ON queueflow.job_tasks;
                DROP TRIGGER job_tasks_count_deletes ON queueflow.job_tasks;
                DROP TRIGGER job_tasks_count_status ON queueflow.job_tasks;

                CREATE TRIGGER jobs_count_inserts AFTER INSERT ON queueflow.jobs FOR EACH ROW
                    WHEN (current_setting('queueflow.counted_by_writer', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER jobs_count_deletes AFTER DELETE ON queueflow.jobs FOR EACH ROW
                    WHEN (current_setting('queueflow.counted_by_writer', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER jobs_count_status AFTER UPDATE OF status, workflow ON queueflow.jobs FOR EACH ROW
                    WHEN ((OLD.status IS DISTINCT FROM NEW.status OR OLD.workflow IS DISTINCT FROM NEW.workflow) AND current_setting('queueflow.counted_by_writer', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER job_tasks_count_inserts AFTER INSERT ON queueflow.job_tasks FOR EACH ROW
                    WHEN (current_setting('queueflow.counted_by_writer', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION queueflow.count_task_status();
                CREATE TRIGGER job_tasks_count_deletes AFTER DELETE ON queueflow.job_tasks FOR EACH ROW
                    WHEN (current_setting('queueflow.counted_by_writer', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION queueflow.count_task_status();
                CREATE TRIGGER job_tasks_count_status AFTER UPDATE OF status, queue ON queueflow.job_tasks FOR EACH ROW
                    WHEN ((OLD.status IS DISTINCT FROM NEW.status OR OLD.queue IS DISTINCT FROM NEW.queue) AND current_setting('queueflow.counted_by_writer', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION queueflow.count_task_status();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER jobs_count_inserts ON queueflow.jobs;
                DROP TRIGGER jobs_count_deletes ON queueflow.jobs;
                DROP TRIGGER jobs_count_status ON queueflow.jobs;
                DROP TRIGGER job_tasks_count_inserts ON queueflow.job_tasks;
                DROP TRIGGER job_tasks_count_deletes ON queueflow.job_tasks;
                DROP TRIGGER job_tasks_count_status ON queueflow.job_tasks;

                CREATE TRIGGER jobs_count_inserts AFTER INSERT ON queueflow.jobs FOR EACH ROW EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER jobs_count_deletes AFTER DELETE ON queueflow.jobs FOR EACH ROW EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER jobs_count_status AFTER UPDATE OF status, workflow ON queueflow.jobs FOR EACH ROW
                    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.workflow IS DISTINCT FROM NEW.workflow) EXECUTE FUNCTION queueflow.count_job_status();
                CREATE TRIGGER job_tasks_count_inserts AFTER INSERT ON queueflow.job_tasks FOR EACH ROW EXECUTE FUNCTION queueflow.count_task_status();
                CREATE TRIGGER job_tasks_count_deletes AFTER DELETE ON queueflow.job_tasks FOR EACH ROW EXECUTE FUNCTION queueflow.count_task_status();
                CREATE TRIGGER job_tasks_count_status AFTER UPDATE OF status, queue ON queueflow.job_tasks FOR EACH ROW
                    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.queue IS DISTINCT FROM NEW.queue) EXECUTE FUNCTION queueflow.count_task_status();
                """);
        }
    }
}
