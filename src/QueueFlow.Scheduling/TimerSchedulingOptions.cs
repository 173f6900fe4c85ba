using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Scheduling;

/// <summary>How the timers' Quartz scheduler runs. The defaults suit production; tests shorten the waits.</summary>
public sealed class TimerSchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>
    /// Quartz's scheduler name, the <c>sched_name</c> of every row: every worker instance must use the
    /// same one to share timers, and a different one to keep a separate set (as each test host does not).
    /// </summary>
    [Required]
    public string SchedulerName { get; set; } = "QueueFlow";

    /// <summary>Schema-qualified, so Quartz's SQL reaches the tables the QuartzTables migration made.</summary>
    [Required]
    public string TablePrefix { get; set; } = "quartz.qrtz_";

    /// <summary>
    /// Timers sent at once. A firing only serializes a message and hands it to the broker, so a few
    /// beyond the 2 cores keep the CPU busy while sends wait on the network.
    /// </summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// How long an idle scheduler waits before looking for due timers again. A timer scheduled in this
    /// process wakes it at once; one scheduled by another instance is seen within this time.
    /// </summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How late a timer may be and still be taken by the ordinary acquisition. A later one (every
    /// instance was down when it fell due) is left to Quartz's misfire scan, which sends it at once.
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest wait for one timer's send to be confirmed. A send started as the broker dies can wait for a
    /// confirmation that never comes; past this it counts as failed and Quartz fires the timer again, so a
    /// broker fault delays a timer instead of stranding it (and holding up the instance's shutdown).
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often this instance tells the others it is alive.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long past a missed check-in the others wait before taking over this instance's timers.</summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(20);

    internal void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (IdleWaitTime < TimeSpan.FromSeconds(1))
            throw new ValidationException($"{nameof(IdleWaitTime)} must be at least one second (Quartz refuses less).");
        if (CheckinInterval <= TimeSpan.Zero || CheckinMisfireThreshold <= TimeSpan.Zero || MisfireThreshold <= TimeSpan.Zero || SendTimeout <= TimeSpan.Zero)
            throw new ValidationException($"{nameof(CheckinInterval)}, {nameof(CheckinMisfireThreshold)}, {nameof(MisfireThreshold)} and {nameof(SendTimeout)} must be positive.");
    }
}
