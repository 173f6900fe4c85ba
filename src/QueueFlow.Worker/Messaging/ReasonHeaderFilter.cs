using MassTransit;

namespace QueueFlow.Worker.Messaging;

/// <summary>
/// Adds <c>QF-Reason</c> to a message moved to an error queue: every exception message from the outermost
/// in, because MassTransit's own fault headers keep only the innermost, which for bad JSON loses the
/// field path ("Path: $.attemptId") an operator needs.
/// </summary>
public sealed class ReasonHeaderFilter : IFilter<ExceptionReceiveContext>
{
    public const string Header = "QF-Reason";

    public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        context.ExceptionHeaders.Set(Header, Describe(context.Exception));
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("reasonHeader");

    static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
                messages.Add(e.Message);
        }

        return string.Join(" <- ", messages);
    }
}
