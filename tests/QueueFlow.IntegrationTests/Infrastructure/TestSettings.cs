namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>
/// Where the real PostgreSQL and RabbitMQ are: the environment ops/test exports, else the ports
/// ops/provision uses. Queue names carry "test" so a local worker on the same broker is never robbed.
/// </summary>
public static class TestSettings
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__QueueFlow")
        ?? "Host=127.0.0.1;Port=55432;Database=queueflow_test;Username=queueflow;Password=queueflow";

    public static string RabbitHost => Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "127.0.0.1";
    public static int RabbitPort => int.Parse(Environment.GetEnvironmentVariable("RabbitMq__Port") ?? "5673", System.Globalization.CultureInfo.InvariantCulture);
    public static int RabbitManagementPort => int.Parse(Environment.GetEnvironmentVariable("RabbitMq__ManagementPort") ?? "15673", System.Globalization.CultureInfo.InvariantCulture);
    public static string RabbitVirtualHost => Environment.GetEnvironmentVariable("RabbitMq__VirtualHost") ?? "queueflow-test";
    public static string RabbitUsername => Environment.GetEnvironmentVariable("RabbitMq__Username") ?? "queueflow";
    public static string RabbitPassword => Environment.GetEnvironmentVariable("RabbitMq__Password") ?? "queueflow";

    public const string JobsQueue = "queueflow-test-jobs";
    public const string WorkflowsQueue = "queueflow-test-workflows";

    /// <summary>Unique per test run, so names made by this run never meet those of an earlier one.</summary>
    public static readonly string RunId = Guid.NewGuid().ToString("N")[..8];

    public static Dictionary<string, string?> WorkerConfiguration() => new()
    {
        ["ConnectionStrings:QueueFlow"] = ConnectionString,
        ["RabbitMq:Host"] = RabbitHost,
        ["RabbitMq:Port"] = RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:VirtualHost"] = RabbitVirtualHost,
        ["RabbitMq:ManagementPort"] = RabbitManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:Username"] = RabbitUsername,
        ["RabbitMq:Password"] = RabbitPassword,
        ["Endpoints:JobsQueue"] = JobsQueue,
        ["Endpoints:WorkflowsQueue"] = WorkflowsQueue,

        // Timers of a second or two must fire within a second or two, not after Quartz's ten-second idle wait.
        ["Scheduling:IdleWaitTime"] = "00:00:01",
        ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("QUEUEFLOW_TEST_LOG_LEVEL") ?? "Warning",
    };
}
