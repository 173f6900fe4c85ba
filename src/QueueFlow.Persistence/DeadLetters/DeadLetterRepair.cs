using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Json;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.Persistence.DeadLetters;

/// <summary>
/// Replays and discards dead letters, one row lock and one transaction each. A replay checks the message can be read
/// as a QueueFlow contract, then queues it in the outbox and marks the row Replayed in the same transaction, under the
/// message's original id and with its provenance in headers; only a Pending row is replayed, so asking twice sends once.
/// A message that still cannot be read is not sent: it stays Pending with the new reason. A replay goes where the message
/// failed unless the operator names another destination (see <see cref="ReplayDestination"/>); the letter keeps where
/// it failed, and its audit says where it went.
/// </summary>
public sealed class DeadLetterRepair(IDbContextFactory<QueueFlowDbContext> dbFactory, OutboxRelaySignal signal, TimeProvider clock)
{
    const string ContractsPrefix = "QueueFlow.Contracts.";
    const string UrnPrefix = "urn:message:QueueFlow.Contracts:";

    public async Task<DeadLetterResult> ReplayAsync(
        Guid id, DeadLetterEdit? edit, string? destination, string actor, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        if (destination is not null && ReplayDestination.Problem(destination) is { } badDestination)
            throw new ArgumentException(badDestination, nameof(destination));
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var letter = await LockAsync(db, id, cancellationToken).ConfigureAwait(false);
                if (letter is null)
                    return new DeadLetterResult(id, DeadLetterOutcome.NotFound, null, $"No dead letter has the id '{id}'.", null);
                if (letter.Status != DeadLetterStatus.Pending)
                    return Resolved(letter);

                var messageType = Normalize(edit?.MessageType ?? letter.MessageType);
                var body = Edited(letter.Body, edit);
                var refusal = Check(messageType, body);
                var now = clock.GetUtcNow();
                if (refusal is not null)
                {
                    if (dryRun)
                        return new DeadLetterResult(id, DeadLetterOutcome.StillMalformed, letter.Status, refusal, null);
                    var reason = $"replay refused: {refusal}";
                    AddAction(db, id, "ReplayRefused", actor, now, edit is null || edit.IsEmpty ? reason : $"{reason}; edit tried: {Describe(edit)}");
                    letter.Reason = reason;
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return new DeadLetterResult(id, DeadLetterOutcome.StillMalformed, letter.Status, reason, null);
                }

                var messageId = letter.MessageId ?? letter.Id;
                var target = destination ?? letter.Destination;
                if (dryRun)
                    return new DeadLetterResult(id, DeadLetterOutcome.WouldBeDone, letter.Status, null, messageId) { Destination = target };

                var bodyText = body!.ToJsonString();
                if (edit is { IsEmpty: false })
                {
                    AddAction(db, id, "Edited", actor, now, JsonSerializer.Serialize(new
                    {
                        before = new { messageType = letter.MessageType, body = letter.Body },
                        after = new { messageType, body = bodyText },
                    }));
                    letter.MessageType = messageType;
                    letter.Body = bodyText;
                }

                var headers = JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    [ReplayProvenance.ReplayOfHeader] = id.ToString(),
                    [ReplayProvenance.ReplayedByHeader] = actor,
                });
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO queueflow.outbox (message_id, job_id, message_type, destination, request_id, body, created_at, attempts, headers)
                    VALUES ({messageId}, {letter.JobId}, {messageType}, {target}, NULL, CAST({bodyText} AS jsonb), {now}, 0, CAST({headers} AS jsonb))
                    ON CONFLICT (message_id) DO NOTHING
                    """, cancellationToken).ConfigureAwait(false);
                letter.Status = DeadLetterStatus.Replayed;
                letter.ResolvedAt = now;
                letter.ResolvedBy = actor;
                var redirected = target == letter.Destination ? "" : $" instead of {letter.Destination ?? "(published)"}";
                AddAction(db, id, "Replayed", actor, now, $"sent again as message {messageId} to {target ?? "(published)"}{redirected}");
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                signal.Notify();
                return new DeadLetterResult(id, DeadLetterOutcome.Done, DeadLetterStatus.Replayed, null, messageId) { Destination = target };
            }
        }
    }

    public async Task<DeadLetterResult> DiscardAsync(Guid id, string? reason, string actor, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var letter = await LockAsync(db, id, cancellationToken).ConfigureAwait(false);
                if (letter is null)
                    return new DeadLetterResult(id, DeadLetterOutcome.NotFound, null, $"No dead letter has the id '{id}'.", null);
                if (letter.Status != DeadLetterStatus.Pending)
                    return Resolved(letter);
                if (dryRun)
                    return new DeadLetterResult(id, DeadLetterOutcome.WouldBeDone, letter.Status, null, null);

                var now = clock.GetUtcNow();
                letter.Status = DeadLetterStatus.Discarded;
                letter.ResolvedAt = now;
                letter.ResolvedBy = actor;
                AddAction(db, id, "Discarded", actor, now, reason);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new DeadLetterResult(id, DeadLetterOutcome.Done, DeadLetterStatus.Discarded, null, null);
            }
        }
    }

    /// <summary>A contract's CLR full name from its name, full name or <c>urn:message:</c> form; anything else unchanged.</summary>
    public static string? Normalize(string? messageType)
    {
        if (string.IsNullOrWhiteSpace(messageType))
            return null;
        var type = messageType.Trim();
        if (type.StartsWith(UrnPrefix, StringComparison.Ordinal))
            return ContractsPrefix + type[UrnPrefix.Length..];
        return type.Contains('.', StringComparison.Ordinal) || type.Contains(':', StringComparison.Ordinal) ? type : ContractsPrefix + type;
    }

    static Task<DeadLetter?> LockAsync(QueueFlowDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.DeadLetters.FromSql($"SELECT * FROM queueflow.dead_letters WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);

    static DeadLetterResult Resolved(DeadLetter letter) =>
        new(letter.Id, DeadLetterOutcome.AlreadyResolved, letter.Status,
            $"already {letter.Status.ToString().ToLowerInvariant()} at {letter.ResolvedAt:O} by {letter.ResolvedBy}", null);

    static JsonNode? Edited(string body, DeadLetterEdit? edit)
    {
        JsonNode? message = edit?.Body is { } replacement ? JsonNode.Parse(replacement.GetRawText()) : DeadLetterBodies.Message(body);
        if (edit?.Set is { Count: > 0 } fields && message is JsonObject target)
        {
            foreach (var (name, value) in fields)
                target[name] = JsonNode.Parse(value.GetRawText());
        }

        return message;
    }

    /// <summary>Why the message cannot be sent as it is, read exactly as the relay will read it; null when it can.</summary>
    static string? Check(string? messageType, JsonNode? body)
    {
        if (messageType is null)
            return "the message has no type; give edit.messageType (e.g. CompleteTask)";
        if (ContractTypes.Find(messageType) is not { } type)
            return $"{messageType} is not a QueueFlow contract";
        if (body is null)
            return "the body is not JSON; give edit.body";

        // What the bus refuses (a key twice, `\u0000`, half a surrogate pair) would come straight back here: say so now.
        if (JsonDefects.Find(body.ToJsonString()) is { } defect)
            return $"the body {defect.Describe()}; give edit.body";
        try
        {
            return body.Deserialize(type, OutboxMessages.Json) is null ? $"the body is JSON null, not a {messageType}" : null;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
            return $"the body does not read as {messageType}: {exception.Message}";
        }
    }

    static void AddAction(QueueFlowDbContext db, Guid id, string action, string actor, DateTimeOffset at, string? detail) =>
        db.DeadLetterActions.Add(new DeadLetterAction { DeadLetterId = id, Action = action, Actor = actor, At = at, Detail = detail });

    static string Describe(DeadLetterEdit edit) => JsonSerializer.Serialize(edit, OutboxMessages.Json);
}
