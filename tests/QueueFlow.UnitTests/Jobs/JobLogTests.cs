using Microsoft.Extensions.Logging;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.UnitTests.Jobs;

public sealed class When_a_task_fails_is_retried_or_times_out
{
    [Fact]
    public void Should_log_each_with_its_reason_the_job_task_and_attempt_at_its_level()
    {
        var jobId = Guid.NewGuid();
        var job = new Job { CorrelationId = jobId, Tasks = [new JobTask { JobId = jobId, TaskId = "charge", Attempt = 2 }] };
        job.Changes.History.Add(Entry(jobId, "TaskScheduled", "Running", "attempt 1 failed, retry 1 of 2: card declined"));
        job.Changes.History.Add(Entry(jobId, "TaskFailed", "Running", "card declined"));
        job.Changes.History.Add(Entry(jobId, "TaskTimedOut", "Running", "no heartbeat for 30 s"));
        job.Changes.History.Add(Entry(jobId, "TaskScheduled", "Pending", "the job is paused"));
        var logger = new CapturingLogger();

        JobSagaLog.TaskTransitions(logger, job);

        Assert.Collection(logger.Lines,
            l => Assert.Equal((LogLevel.Information, $"Task charge of job {jobId:D} will be retried after attempt 2: attempt 1 failed, retry 1 of 2: card declined"), l),
            l => Assert.Equal((LogLevel.Warning, $"Task charge of job {jobId:D} failed at attempt 2: card declined"), l),
            l => Assert.Equal((LogLevel.Warning, $"Task charge of job {jobId:D} timed out at attempt 2: no heartbeat for 30 s"), l));
    }

    [Fact]
    public void Should_name_the_job_hyphenated_with_its_task_and_attempt_in_the_log_scope()
    {
        var jobId = Guid.Parse("5d1c9a7e-0b6f-4c55-9b1d-3f2a6c8e9d01");

        var scope = new JobLogScope(jobId, "charge", 3);

        Assert.Equal("job 5d1c9a7e-0b6f-4c55-9b1d-3f2a6c8e9d01 task charge attempt 3", scope.ToString());
        Assert.Equal(
            [new("JobId", "5d1c9a7e-0b6f-4c55-9b1d-3f2a6c8e9d01"), new("TaskId", "charge"), new("Attempt", 3)],
            scope.ToList());
        Assert.Equal([new KeyValuePair<string, object?>("JobId", "5d1c9a7e-0b6f-4c55-9b1d-3f2a6c8e9d01")], new JobLogScope(jobId).ToList());
    }

    static JobHistoryEntry Entry(Guid jobId, string kind, string from, string detail) =>
        new() { JobId = jobId, Sequence = 1, At = DateTimeOffset.UnixEpoch, Kind = kind, TaskId = "charge", From = from, To = kind[4..], Detail = detail };

    sealed class CapturingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }
}
