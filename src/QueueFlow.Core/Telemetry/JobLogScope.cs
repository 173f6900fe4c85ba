using System.Collections;
using System.Globalization;

namespace QueueFlow.Core.Telemetry;

/// <summary>
/// The log scope of work on one job: <c>JobId</c> (hyphenated, as the API and the messages write it), and
/// <c>TaskId</c> and <c>Attempt</c> when a task is concerned. The JSON console format writes it as fields of
/// each line's scope, so every line about a job can be found by its id whatever its message says.
/// </summary>
public sealed class JobLogScope(Guid jobId, string? taskId = null, int? attempt = null) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public Guid JobId => jobId;
    public string? TaskId => taskId;
    public int? Attempt => attempt;

    public int Count => 1 + (taskId is null ? 0 : 1) + (attempt is null ? 0 : 1);

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("JobId", jobId.ToString("D")),
        1 when taskId is not null => new("TaskId", taskId),
        1 or 2 when attempt is not null => new("Attempt", attempt.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => (taskId, attempt) switch
    {
        (null, null) => $"job {jobId:D}",
        (not null, null) => $"job {jobId:D} task {taskId}",
        (null, not null) => string.Create(CultureInfo.InvariantCulture, $"job {jobId:D} attempt {attempt}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"job {jobId:D} task {taskId} attempt {attempt}"),
    };
}
