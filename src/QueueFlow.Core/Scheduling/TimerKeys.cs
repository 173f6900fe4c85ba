using System.Security.Cryptography;
using System.Text;

namespace QueueFlow.Core.Scheduling;

/// <summary>
/// Names of a job's timers. Task ids may be up to 255 characters; a key stays short enough for the
/// timer store by naming a long task id by its hash.
/// </summary>
public static class TimerKeys
{
    public static string StartToClose(Guid jobId, string taskId, Guid attemptId) => $"{jobId:N}/{Task(taskId)}/{attemptId:N}/timeout";

    public static string Heartbeat(Guid jobId, string taskId, Guid attemptId) => $"{jobId:N}/{Task(taskId)}/{attemptId:N}/heartbeat";

    public static string ScheduledStart(Guid jobId, string taskId) => $"{jobId:N}/{Task(taskId)}/start";

    public static string Deadline(Guid jobId) => $"{jobId:N}/deadline";

    static string Task(string taskId) =>
        taskId.Length <= 64 && taskId.All(c => c is not ('/' or '?' or '&'))
            ? taskId
            : "h-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(taskId)))[..32];
}
