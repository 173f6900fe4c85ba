namespace QueueFlow.Core.Jobs;

/// <summary>
/// A message the job saga decided to send. Written to the outbox in the job's transaction and relayed
/// to RabbitMQ after commit, so nothing is sent that the database does not show.
/// </summary>
/// <param name="Message">A message contract instance.</param>
/// <param name="Destination">Where to send it (e.g. <c>queue:billing</c> or a response address); null publishes it.</param>
/// <param name="RequestId">Set on replies so request clients match them.</param>
/// <param name="MessageId">The id the message is sent with; consumers deduplicate on it.</param>
public sealed record OutgoingMessage(object Message, Uri? Destination, Guid? RequestId, Guid MessageId);
