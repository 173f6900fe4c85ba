using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using QueueFlow.Core.Telemetry;
using Quartz;

namespace QueueFlow.Scheduling;

/// <summary>
/// Fires a timer: sends its message to its destination through the bus, as its contract type, so it
/// goes out as every other QueueFlow message does (plain JSON with the MT-MessageType header).
/// </summary>
/// <remarks>
/// Stored in the job store by its type name: renaming or moving this class strands every pending timer.
/// A failed send throws, and Quartz fires the timer again under the retry policy below (1 s, doubling,
/// at most a minute apart, for as long as it takes), so a broker outage delays timers but loses none.
/// A send that is not confirmed within <see cref="TimerSchedulingOptions.SendTimeout"/> counts as failed:
/// one started as the broker died was seen waiting forever, its timer never fired again (its job hung)
/// and the instance could not stop. Giving up may send the message twice; a timer's message carries the
/// attempt it was set for, so the second is answered as a duplicate or stale and changes nothing.
/// </remarks>
[RetryPolicy(int.MaxValue, "00:00:01", 2.0, MaxDelay = "00:01:00", Jitter = 0.2)]
public sealed class SendTimerJob(ISendEndpointProvider sendEndpointProvider, TimerSchedulingOptions options, ILogger<SendTimerJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.JobDetail.Key.Name;
        var data = context.JobDetail.JobDataMap;
        var traceParent = data.GetString(TimerJobData.TraceParent);
        var traceState = data.GetString(TimerJobData.TraceState);
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parsed)
            ? parsed
            : default;
        using var span = QueueFlowTelemetry.ActivitySource.StartActivity(QueueFlowTelemetry.Spans.TimerFire, ActivityKind.Internal, parent);

        // With no span recorded, the message passes on the context the timer was set in (see CarriedTrace).
        using var carried = CarriedTrace.Carry(traceParent, traceState);
        span?.SetTag("queueflow.timer.key", key);
        if (context.RetryAttempt == 0 && context.ScheduledFireTimeUtc is { } due)
            QueueFlowMetrics.TimerFired(context.FireTimeUtc - due);

        // Nothing below can be cured by firing again, so an unreadable timer is reported and let go.
        var typeName = data.GetString(TimerJobData.MessageType);
        if (!TimerJobData.TryResolve(typeName, out var messageType))
        {
            TimerLog.Unreadable(logger, key, $"message type '{typeName}' is not a QueueFlow contract");
            return;
        }

        if (!Uri.TryCreate(data.GetString(TimerJobData.Destination), UriKind.Absolute, out var destination))
        {
            TimerLog.Unreadable(logger, key, "no absolute destination");
            return;
        }

        object? message;
        try
        {
            message = TimerJobData.Deserialize(data.GetString(TimerJobData.Message) ?? string.Empty, messageType);
        }
        catch (System.Text.Json.JsonException exception)
        {
            TimerLog.Unreadable(logger, key, $"the message is not valid {messageType.Name} JSON: {exception.Message}");
            return;
        }

        if (message is null)
        {
            TimerLog.Unreadable(logger, key, "the message is null");
            return;
        }

        // Every timer QueueFlow sets is for a job (the key writes its id without hyphens; the log says it as everywhere else).
        var jobId = messageType.GetProperty("JobId")?.GetValue(message) as Guid? ?? Guid.Empty;
        using var scope = logger.BeginScope(new JobLogScope(jobId));
        span?.SetTag(QueueFlowTelemetry.Tags.JobId, jobId.ToString());

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.SendTimeout);
        try
        {
            // WaitAsync as well as the token: the wait is bounded even where the transport does not watch the token.
            var endpoint = await sendEndpointProvider.GetSendEndpoint(destination).WaitAsync(timeout.Token).ConfigureAwait(false);
            await endpoint.Send(message, messageType, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception caught)
        {
            var exception = caught is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? new TimeoutException($"The send was not confirmed within {options.SendTimeout}.", caught)
                : caught;
            QueueFlowMetrics.BrokerError("timer-send");
            span?.SetStatus(ActivityStatusCode.Error, exception.Message);
            TimerLog.SendFailed(logger, exception, key, jobId, messageType.Name, destination, context.RetryAttempt);
            throw new JobExecutionException($"Timer {key} could not be sent.", exception);
        }

        TimerLog.Sent(logger, key, jobId, messageType.Name, destination, context.RetryAttempt);
    }
}
