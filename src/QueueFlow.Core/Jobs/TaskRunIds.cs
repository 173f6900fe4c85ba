using System.Security.Cryptography;
using System.Text;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// The task-run id of one iteration of a task: Prefect's task run id, which stays the same across the retries of
/// a run. It is a name-based UUID (RFC 9562 version 8, SHA-256) of the job id, the task id and the iteration, so
/// it needs no state of its own and a loop's next iteration is a new run.
/// </summary>
public static class TaskRunIds
{
    public static Guid For(Guid jobId, string taskId, int iteration)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"queueflow:task-run\n{jobId:D}\n{taskId}\n{iteration}"));
        var bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
