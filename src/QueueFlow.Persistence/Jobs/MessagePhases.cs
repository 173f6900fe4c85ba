using System.Diagnostics;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Where one message's time goes between the repository taking it and its job's lock released, for the histogram
/// <c>queueflow.message.phase.duration</c>: read (waiting for the job's lock, then reading the job), apply (the saga's
/// rules, from the read to the write), commit (the write until committed), send (the committed rows until the broker
/// confirmed them) and release (their delete and the lock's release). Only timestamps while the message runs; the
/// phases are recorded once it is done, and a phase it never reached (nothing to write, nothing to send) is not.
/// </summary>
internal sealed class MessagePhases
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _read;
    private long _writing;
    private long _committed;
    private long _sent;

    /// <summary>The job is read (or found missing) under its lock.</summary>
    public void Read() => _read = Stopwatch.GetTimestamp();

    /// <summary>The saga is done and its write starts; the last write counts when a message writes more than once.</summary>
    public void Writing() => _writing = Stopwatch.GetTimestamp();

    public void Committed() => _committed = Stopwatch.GetTimestamp();

    public void Sent() => _sent = Stopwatch.GetTimestamp();

    /// <summary>Records every phase reached, the lock having just been released.</summary>
    public void Released(string workflow)
    {
        var released = Stopwatch.GetTimestamp();
        if (_read != 0)
            Record("read", _started, _read, workflow);
        if (_writing == 0 || _committed == 0)
            return;

        Record("apply", _read != 0 ? _read : _started, _writing, workflow);
        Record("commit", _writing, _committed, workflow);
        if (_sent != 0)
            Record("send", _committed, _sent, workflow);
        Record("release", _sent != 0 ? _sent : _committed, released, workflow);
    }

    private static void Record(string phase, long from, long to, string workflow) =>
        QueueFlowMetrics.MessagePhase(phase, Stopwatch.GetElapsedTime(from, to), workflow);
}
