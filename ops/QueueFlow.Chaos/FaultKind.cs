namespace QueueFlow.Chaos;

/// <summary>The faults a chaos run injects; the names are ops/chaos-fault's commands where one is needed.</summary>
internal enum FaultKind
{
    /// <summary>kill -9 of one worker process, restarted after a random pause.</summary>
    WorkerKill,

    /// <summary>Both workers killed for longer than the task timeouts and retry delays: timers fall due with nobody up.</summary>
    AllWorkersDown,

    /// <summary><c>rabbitmqctl stop_app</c>, a pause, <c>start_app</c>.</summary>
    RabbitStopApp,

    /// <summary>The RabbitMQ node killed outright (kill -9 of its pid file's pid), started again by ops/provision.</summary>
    RabbitKill,

    /// <summary><c>rabbitmqctl close_all_connections</c>.</summary>
    RabbitCloseConnections,

    /// <summary><c>pg_ctl restart -m fast</c>.</summary>
    PostgresRestartFast,

    /// <summary><c>pg_ctl restart -m immediate</c> (crash recovery on start).</summary>
    PostgresRestartImmediate,

    /// <summary><c>pg_terminate_backend</c> of every session of QueueFlow's role in the chaos database.</summary>
    PostgresTerminate,
}
