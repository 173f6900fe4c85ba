using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace QueueFlow.Api.Problems;

/// <summary>The connection middleware that puts a <see cref="KestrelProblemWriter"/> on each HTTP connection.</summary>
public static class KestrelProblemResponses
{
    public static ConnectionDelegate Use(ConnectionDelegate next) => async connection =>
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transport = connection.Transport;
        connection.Transport = new Pipe(transport.Input, new KestrelProblemWriter(transport.Output));
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
