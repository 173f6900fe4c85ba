using QueueFlow.Bench.Reporting;

namespace QueueFlow.Bench.Tests;

public class ServiceCpuTests
{
    /// <summary>A /proc/PID/stat line: after the command, state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime ….</summary>
    private static string Stat(int pid, string command, long utime, long stime) =>
        $"{pid} ({command}) S 1 1 1 0 -1 4194560 1200 0 3 0 {utime} {stime} 0 0 20 0 1 0 100 1000000 500 18446744073709551615";

    [Fact]
    public void Counts_user_and_system_ticks_of_the_named_process()
    {
        var stat = Stat(4242, "postgres", 1500, 250);

        Assert.Equal(1750, ServiceCpu.Ticks(stat, "postgres"));
    }

    [Fact]
    public void Another_process_counts_nothing()
    {
        var stat = Stat(4242, "beam.smp", 1500, 250);

        Assert.Equal(0, ServiceCpu.Ticks(stat, "postgres"));
        Assert.Equal(0, ServiceCpu.Ticks(stat, "beam"));
    }

    [Fact]
    public void A_command_with_spaces_and_parentheses_is_read_up_to_its_last_parenthesis()
    {
        var stat = Stat(77, "odd (name) here", 9, 1);

        Assert.Equal(10, ServiceCpu.Ticks(stat, "odd (name) here"));
        Assert.Equal(0, ServiceCpu.Ticks(stat, "odd"));
    }
}
