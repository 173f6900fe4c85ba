namespace QueueFlow.Core.Jobs;

/// <summary>
/// A message the job saga decided to send. Written to the outbox in the job's transaction and relayed
/// to RabbitMQ after commit, so nothing is sent that the database does not show.
/// </summary>
/// <param name="Message">A message contract instance.</param>
/// <param name="Destination">Where it goes.</param>
/// <param name="MessageId">The id the message is sent with; consumers deduplicate on it.</param>
public sealed record OutgoingMessage(object Message, MessageDestination Destination, Guid MessageId);
