using MassTransit;
using QueueFlow.Contracts;

namespace QueueFlow.Api.Seeds;

/// <summary>Sends a seed route's command to the job saga and awaits its outcome, as the native routes do.</summary>
public static class SeedCommands
{
    /// <summary>The saga's outcome, or null when it did not answer within <see cref="ApiOptions.CommandTimeout"/>.</summary>
    public static async Task<CommandOutcome?> SendAsync<T>(IRequestClient<T> client, T command, ApiOptions options, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var timeout = RequestTimeout.After(ms: (int)options.CommandTimeout.TotalMilliseconds);
            return (await client.GetResponse<CommandOutcome>(command, cancellationToken, timeout).ConfigureAwait(false)).Message;
        }
        catch (RequestTimeoutException)
        {
            return null;
        }
    }
}
