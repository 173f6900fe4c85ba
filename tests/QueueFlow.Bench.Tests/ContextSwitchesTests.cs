using QueueFlow.Bench.Reporting;

namespace QueueFlow.Bench.Tests;

public class ContextSwitchesTests
{
    // The shape of this machine's /proc/stat (2 cores), counts shortened.
    private const string ProcStat = """
        cpu  4705 356 584 3699 23 0 20 0 0 0
        cpu0 1393 280 283 419 5 0 11 0 0 0
        cpu1 1321 16 153 474 6 0 4 0 0 0
        intr 1184 26 0 0 0
        ctxt 1990473
        btime 1062191376
        processes 2915
        procs_running 1
        procs_blocked 0
        softirq 183433 0 21755 12 39 1137 231 21459 2263
        """;

    [Fact]
    public void The_ctxt_line_gives_the_machines_switches()
    {
        Assert.Equal(1990473, ContextSwitches.Parse(ProcStat));
    }

    [Fact]
    public void A_text_without_it_has_no_figure()
    {
        Assert.Null(ContextSwitches.Parse(ProcStat.Replace("ctxt 1990473", "ctxt_other 5", StringComparison.Ordinal)));
    }

    [Fact]
    public void This_machines_proc_stat_is_read()
    {
        var first = ContextSwitches.Read();
        var second = ContextSwitches.Read();

        Assert.NotNull(first);
        Assert.True(second >= first);
    }
}
