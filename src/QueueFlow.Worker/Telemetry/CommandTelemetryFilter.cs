using System.Diagnostics;
using MassTransit;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Worker.Telemetry;

/// <summary>
/// Around each message the job saga applies: QueueFlow's <c>queueflow.command.apply</c> span (load, rules and
/// commit, with the database spans under it) and a log scope naming the job, task and attempt, so every line
/// logged while applying it carries them. A producer's own <c>traceparent</c> parents the span when MassTransit's
/// header is absent; MassTransit's consume span is then linked. With tracing off the command's context is carried
/// instead, so the job's messages pass it on. Costs no database round trip.
/// </summary>
public sealed class CommandTelemetryFilter<T>(ILogger<CommandTelemetryFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var ids = MessageIds<T>.Of(context.Message);
        var foreign = TraceHeaders.ForeignParent(context.Headers);
        using var span = foreign == default
            ? QueueFlowTelemetry.ActivitySource.StartActivity(QueueFlowTelemetry.Spans.ApplyCommand)
            : QueueFlowTelemetry.ActivitySource.StartActivity(QueueFlowTelemetry.Spans.ApplyCommand, ActivityKind.Internal, foreign,
                links: Activity.Current is { } consume ? [new ActivityLink(consume.Context)] : null);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(QueueFlowTelemetry.Tags.Command, typeof(T).Name);
            span.SetTag(QueueFlowTelemetry.Tags.JobId, ids.JobId?.ToString("D"));
            if (ids.TaskId is not null)
                span.SetTag(QueueFlowTelemetry.Tags.TaskId, ids.TaskId);
            if (ids.Attempt is { } attempt)
                span.SetTag(QueueFlowTelemetry.Tags.Attempt, attempt);
        }

        // Passed on to what the job sends when no span is recorded; a recorded span is passed on instead.
        using var carried = TraceHeaders.CarryIncoming(context.Headers);
        using var scope = ids.JobId is { } jobId ? logger.BeginScope(new JobLogScope(jobId, ids.TaskId, ids.Attempt)) : null;
        try
        {
            await next.Send(context).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            span?.SetStatus(ActivityStatusCode.Error, exception.Message);
            span?.AddException(exception);
            throw;
        }
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("commandTelemetry");
}
