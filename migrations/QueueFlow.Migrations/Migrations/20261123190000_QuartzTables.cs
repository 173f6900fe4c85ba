using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using QueueFlow.Persistence;

#nullable disable

namespace QueueFlow.Migrations.Migrations
{
    /// <summary>
    /// The tables of Quartz 4.7's ADO.NET job store (QueueFlow's durable timers), in schema <c>quartz</c>,
    /// so the store's table prefix is <c>quartz.qrtz_</c>.
    /// </summary>
    /// <remarks>
    /// Written by hand: Quartz's package ships no SQL and the timers' scheduler only validates the
    /// schema at start-up, it never creates it. The tables are Quartz's, not EF Core's, so this
    /// migration changes no model and has no designer file or snapshot change. Column names and types
    /// are what Quartz 4.7 reads and writes: it refuses to start if any table or any column added in
    /// 4.x is missing. Names are <c>text</c> because a timer key carries a job, task and attempt id.
    /// Instants are ticks (<c>bigint</c>), as Quartz stores them.
    /// A later Quartz that adds columns needs a new migration of the same kind.
    /// </remarks>
    [DbContext(typeof(QueueFlowDbContext))]
    [Migration("20261123190000_QuartzTables")]
    public partial class QuartzTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE SCHEMA IF NOT EXISTS quartz;

                CREATE TABLE quartz.qrtz_job_details (
                    sched_name        text    NOT NULL,
                    job_name          text    NOT NULL,
                    job_group         text    NOT NULL,
                    description       text    NULL,
                    job_class_name    text    NOT NULL,
                    is_durable        boolean NOT NULL,
                    is_nonconcurrent  boolean NOT NULL,
                    is_update_data    boolean NOT NULL,
                    requests_recovery boolean NOT NULL,
                    job_data          bytea   NULL,
                    CONSTRAINT pk_qrtz_job_details PRIMARY KEY (sched_name, job_name, job_group)
                );

                CREATE TABLE quartz.qrtz_triggers (
                    sched_name              text         NOT NULL,
                    trigger_name            text         NOT NULL,
                    trigger_group           text         NOT NULL,
                    job_name                text         NOT NULL,
                    job_group               text         NOT NULL,
                    description             text         NULL,
                    next_fire_time          bigint       NULL,
                    prev_fire_time          bigint       NULL,
                    priority                integer      NULL,
                    trigger_state           text         NOT NULL,
                    trigger_type            text         NOT NULL,
                    start_time              bigint       NOT NULL,
                    end_time                bigint       NULL,
                    calendar_name           text         NULL,
                    misfire_instr           smallint     NULL,
                    misfire_orig_fire_time  bigint       NULL,
                    execution_group         varchar(200) NULL,
                    preferred_node          varchar(200) NULL,
                    preferred_node_auto     boolean      NOT NULL DEFAULT false,
                    retry_policy            varchar(250) NULL,
                    retry_attempt           integer      NULL,
                    continues_trigger_name  text         NULL,
                    continues_trigger_group text         NULL,
                    continuation_condition  integer      NULL,
                    overlap_policy          integer      NULL,
                    pause_reason            varchar(250) NULL,
                    paused_by               varchar(200) NULL,
                    paused_at               bigint       NULL,
                    misfire_threshold       bigint       NULL,
                    fixed_delay             boolean      NULL,
                    job_data                bytea        NULL,
                    CONSTRAINT pk_qrtz_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
                    CONSTRAINT fk_qrtz_triggers_job_details FOREIGN KEY (sched_name, job_name, job_group)
                        REFERENCES quartz.qrtz_job_details (sched_name, job_name, job_group)
                );

                CREATE TABLE quartz.qrtz_simple_triggers (
                    sched_name      text   NOT NULL,
                    trigger_name    text   NOT NULL,
                    trigger_group   text   NOT NULL,
                    repeat_count    bigint NOT NULL,
                    repeat_interval bigint NOT NULL,
                    times_triggered bigint NOT NULL,
                    CONSTRAINT pk_qrtz_simple_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
                    CONSTRAINT fk_qrtz_simple_triggers_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                        REFERENCES quartz.qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
                );

                CREATE TABLE quartz.qrtz_simprop_triggers (
                    sched_name    text    NOT NULL,
                    trigger_name  text    NOT NULL,
                    trigger_group text    NOT NULL,
                    str_prop_1    text    NULL,
                    str_prop_2    text    NULL,
                    str_prop_3    text    NULL,
                    int_prop_1    integer NULL,
                    int_prop_2    integer NULL,
                    long_prop_1   bigint  NULL,
                    long_prop_2   bigint  NULL,
                    dec_prop_1    numeric NULL,
                    dec_prop_2    numeric NULL,
                    bool_prop_1   boolean NULL,
                    bool_prop_2   boolean NULL,
                    time_zone_id  text    NULL,
                    CONSTRAINT pk_qrtz_simprop_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
                    CONSTRAINT fk_qrtz_simprop_triggers_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                        REFERENCES quartz.qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
                );

                CREATE TABLE quartz.qrtz_cron_triggers (
                    sched_name      text NOT NULL,
                    trigger_name    text NOT NULL,
                    trigger_group   text NOT NULL,
                    cron_expression text NOT NULL,
                    time_zone_id    text NULL,
                    CONSTRAINT pk_qrtz_cron_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
                    CONSTRAINT fk_qrtz_cron_triggers_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                        REFERENCES quartz.qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
                );

                CREATE TABLE quartz.qrtz_blob_triggers (
                    sched_name    text  NOT NULL,
                    trigger_name  text  NOT NULL,
                    trigger_group text  NOT NULL,
                    blob_data     bytea NULL,
                    CONSTRAINT pk_qrtz_blob_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
                    CONSTRAINT fk_qrtz_blob_triggers_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                        REFERENCES quartz.qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
                );

                CREATE TABLE quartz.qrtz_calendars (
                    sched_name    text  NOT NULL,
                    calendar_name text  NOT NULL,
                    calendar      bytea NOT NULL,
                    CONSTRAINT pk_qrtz_calendars PRIMARY KEY (sched_name, calendar_name)
                );

                CREATE TABLE quartz.qrtz_paused_trigger_grps (
                    sched_name    text         NOT NULL,
                    trigger_group text         NOT NULL,
                    pause_reason  varchar(250) NULL,
                    paused_by     varchar(200) NULL,
                    paused_at     bigint       NULL,
                    CONSTRAINT pk_qrtz_paused_trigger_grps PRIMARY KEY (sched_name, trigger_group)
                );

                -- Quartz 4 records paused job groups too, and validates that this table exists.
                CREATE TABLE quartz.qrtz_paused_job_grps (
                    sched_name   text         NOT NULL,
                    job_group    text         NOT NULL,
                    pause_reason varchar(250) NULL,
                    paused_by    varchar(200) NULL,
                    paused_at    bigint       NULL,
                    CONSTRAINT pk_qrtz_paused_job_grps PRIMARY KEY (sched_name, job_group)
                );

                CREATE TABLE quartz.qrtz_fired_triggers (
                    sched_name               text         NOT NULL,
                    entry_id                 text         NOT NULL,
                    trigger_name             text         NOT NULL,
                    trigger_group            text         NOT NULL,
                    instance_name            text         NOT NULL,
                    fired_time               bigint       NOT NULL,
                    sched_time               bigint       NOT NULL,
                    priority                 integer      NOT NULL,
                    state                    text         NOT NULL,
                    job_name                 text         NULL,
                    job_group                text         NULL,
                    is_nonconcurrent         boolean      NOT NULL,
                    requests_recovery        boolean      NULL,
                    execution_group          varchar(200) NULL,
                    progress                 integer      NULL,
                    progress_message         varchar(250) NULL,
                    interrupt_requested_time bigint       NULL,
                    CONSTRAINT pk_qrtz_fired_triggers PRIMARY KEY (sched_name, entry_id)
                );

                CREATE TABLE quartz.qrtz_scheduler_state (
                    sched_name        text        NOT NULL,
                    instance_name     text        NOT NULL,
                    last_checkin_time bigint      NOT NULL,
                    checkin_interval  bigint      NOT NULL,
                    quartz_version    varchar(32) NULL,
                    CONSTRAINT pk_qrtz_scheduler_state PRIMARY KEY (sched_name, instance_name)
                );

                CREATE TABLE quartz.qrtz_locks (
                    sched_name text NOT NULL,
                    lock_name  text NOT NULL,
                    CONSTRAINT pk_qrtz_locks PRIMARY KEY (sched_name, lock_name)
                );

                -- The lookups Quartz 4 makes: jobs and triggers by group, triggers by job and calendar,
                -- acquisition by state and next fire time (earliest and most urgent first), and a
                -- node's fired triggers when it recovers or is recovered.
                CREATE INDEX idx_qrtz_j_g_n ON quartz.qrtz_job_details (sched_name, job_group, job_name);
                CREATE INDEX idx_qrtz_t_j ON quartz.qrtz_triggers (sched_name, job_name, job_group);
                CREATE INDEX idx_qrtz_t_g_n ON quartz.qrtz_triggers (sched_name, trigger_group, trigger_name);
                CREATE INDEX idx_qrtz_t_c ON quartz.qrtz_triggers (sched_name, calendar_name);
                CREATE INDEX idx_qrtz_t_nft_st ON quartz.qrtz_triggers (sched_name, trigger_state, next_fire_time ASC, priority DESC, misfire_instr);
                CREATE INDEX idx_qrtz_ft_inst_job_req_rcvry ON quartz.qrtz_fired_triggers (sched_name, instance_name, requests_recovery);
                CREATE INDEX idx_qrtz_ft_j_g ON quartz.qrtz_fired_triggers (sched_name, job_name, job_group);
                CREATE INDEX idx_qrtz_ft_t_g ON quartz.qrtz_fired_triggers (sched_name, trigger_name, trigger_group);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Children before parents; the schema goes only if nothing else was put in it.
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS quartz.qrtz_fired_triggers;
                DROP TABLE IF EXISTS quartz.qrtz_paused_job_grps;
                DROP TABLE IF EXISTS quartz.qrtz_paused_trigger_grps;
                DROP TABLE IF EXISTS quartz.qrtz_scheduler_state;
                DROP TABLE IF EXISTS quartz.qrtz_locks;
                DROP TABLE IF EXISTS quartz.qrtz_simprop_triggers;
                DROP TABLE IF EXISTS quartz.qrtz_simple_triggers;
                DROP TABLE IF EXISTS quartz.qrtz_cron_triggers;
                DROP TABLE IF EXISTS quartz.qrtz_blob_triggers;
                DROP TABLE IF EXISTS quartz.qrtz_triggers;
                DROP TABLE IF EXISTS quartz.qrtz_job_details;
                DROP TABLE IF EXISTS quartz.qrtz_calendars;
                DROP SCHEMA IF EXISTS quartz;
                """);
        }
    }
}
