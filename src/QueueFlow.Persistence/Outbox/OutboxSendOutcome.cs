namespace QueueFlow.Persistence.Outbox;

/// <summary>One row's send: what happened, why it failed, and whether the failure was the broker's rather than the row's.</summary>
/// <param name="DispatchedWorkflow">The workflow of a sent RunTask, whose send is a task's dispatch (for the latency metric).</param>
internal sealed record OutboxSendOutcome(OutboxMessage Row, OutboxSendKind Kind, string Error, bool Outage, string? DispatchedWorkflow = null)
{
    // The error kept on the row and its dead letter: the exception's type and message, cut to this length.
    private const int MaxErrorLength = 2000;

    public static OutboxSendOutcome Sent(OutboxMessage row, string? dispatchedWorkflow) =>
        new(row, OutboxSendKind.Sent, string.Empty, Outage: false, dispatchedWorkflow);

    public static OutboxSendOutcome Failure(OutboxMessage row, Exception exception, bool outage) =>
        new(row, OutboxSendKind.Failed, Describe(exception), outage);

    public static OutboxSendOutcome Unsendable(OutboxMessage row, string error) => new(row, OutboxSendKind.Unsendable, error, Outage: false);

    private static string Describe(Exception exception)
    {
        var text = $"{exception.GetType().FullName}: {exception.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }
}
