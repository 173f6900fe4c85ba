namespace QueueFlow.Chaos;

/// <summary>
/// The run's faults, drawn from the seed alone, so the same seed and duration replay the same schedule.
/// A full run kills a worker about once a minute (at least 20 kills) and cycles the service faults about
/// every 50 s; the short run has one fault of each kind.
/// </summary>
internal static class FaultSchedule
{
    // Faults start once the load is flowing and stop before its end, so the last one's effects settle under load.
    static readonly TimeSpan Lead = TimeSpan.FromSeconds(8);
    static readonly TimeSpan Tail = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<Fault> Create(int seed, TimeSpan duration, bool isShort)
    {
        var random = new Random(seed);
        var window = duration - Lead - Tail;
        if (window <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), "the run is too short for any fault");

        var kinds = new List<FaultKind>();
        if (isShort)
        {
            kinds.AddRange(Enum.GetValues<FaultKind>());
        }
        else
        {
            var serviceRounds = Math.Max(1, (int)(duration.TotalMinutes / 6));
            var kills = Math.Max(20, (int)duration.TotalMinutes);
            kinds.AddRange(Enumerable.Repeat(FaultKind.WorkerKill, kills));
            for (var round = 0; round < serviceRounds; round++)
                kinds.AddRange(Enum.GetValues<FaultKind>().Where(k => k != FaultKind.WorkerKill));
        }

        // Shuffled order, evenly spaced slots with jitter: faults never pile up, and every kind meets every phase.
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kinds));
        var slot = window / kinds.Count;
        return [.. kinds.Select((kind, i) => new Fault(
            Lead + (slot * i) + (slot * (random.NextDouble() * 0.5)),
            kind,
            random.Next(WorkerSupervisor.Count),
            PauseOf(kind, random)))];
    }

    static TimeSpan PauseOf(FaultKind kind, Random random) => TimeSpan.FromSeconds(kind switch
    {
        FaultKind.WorkerKill => 1 + (random.NextDouble() * 9),

        // Longer than the 5 s timeouts and the 1-4 s retry delays, so those timers fall due while nobody is up.
        FaultKind.AllWorkersDown => 8 + (random.NextDouble() * 7),
        FaultKind.RabbitStopApp => 3 + (random.NextDouble() * 7),
        FaultKind.RabbitKill => 1 + (random.NextDouble() * 4),
        _ => 0,
    });
}
