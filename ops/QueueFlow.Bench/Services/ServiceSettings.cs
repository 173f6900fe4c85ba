using System.Globalization;
using Npgsql;
using RabbitMQ.Client;

namespace QueueFlow.Bench.Services;

/// <summary>
/// Where PostgreSQL and RabbitMQ are, read from the same environment variables the worker reads,
/// with the ports ops/provision uses as defaults, so the bench and its workers always agree.
/// </summary>
internal sealed record ServiceSettings(string ConnectionString, string RabbitHost, int RabbitPort, string RabbitVirtualHost, string RabbitUsername, string RabbitPassword)
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Database=queueflow;Username=queueflow;Password=queueflow";

    public static ServiceSettings FromEnvironment() => new(
        Read("ConnectionStrings__QueueFlow", DefaultConnectionString),
        Read("RabbitMq__Host", "127.0.0.1"),
        int.Parse(Read("RabbitMq__Port", "5673"), CultureInfo.InvariantCulture),
        Read("RabbitMq__VirtualHost", "/"),
        Read("RabbitMq__Username", "queueflow"),
        Read("RabbitMq__Password", "queueflow"));

    /// <summary>The database name alone, for the report; never the password.</summary>
    public string DatabaseName => new NpgsqlConnectionStringBuilder(ConnectionString).Database ?? "?";

    public NpgsqlDataSource CreateDataSource(int maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPoolSize };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public Task<IConnection> ConnectAsync(string clientName, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = RabbitHost,
            Port = RabbitPort,
            VirtualHost = RabbitVirtualHost,
            UserName = RabbitUsername,
            Password = RabbitPassword,
            ClientProvidedName = clientName,
        };
        return factory.CreateConnectionAsync(cancellationToken);
    }

    /// <summary>What a worker child process needs, in the environment variables it binds.</summary>
    public IReadOnlyDictionary<string, string> WorkerEnvironment() => new Dictionary<string, string>
    {
        ["ConnectionStrings__QueueFlow"] = ConnectionString,
        ["RabbitMq__Host"] = RabbitHost,
        ["RabbitMq__Port"] = RabbitPort.ToString(CultureInfo.InvariantCulture),
        ["RabbitMq__VirtualHost"] = RabbitVirtualHost,
        ["RabbitMq__Username"] = RabbitUsername,
        ["RabbitMq__Password"] = RabbitPassword,
    };

    static string Read(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback;
}
