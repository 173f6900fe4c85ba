using System.Reflection;

namespace QueueFlow.Worker.Telemetry;

/// <summary>
/// Reads the job id, task id and attempt number a contract carries (<c>JobId</c>, <c>TaskId</c> or
/// <c>FromTask</c>/<c>ToTask</c>, <c>Attempt</c>), found once per message type by name.
/// </summary>
internal static class MessageIds<T>
    where T : class
{
    static readonly PropertyInfo? JobIdProperty = Find(typeof(Guid), "JobId");
    static readonly PropertyInfo? TaskIdProperty = Find(typeof(string), "TaskId", "FromTask", "ToTask");
    static readonly PropertyInfo? AttemptProperty = Find(typeof(int), "Attempt");

    public static (Guid? JobId, string? TaskId, int? Attempt) Of(T message) =>
        (JobIdProperty?.GetValue(message) as Guid?, TaskIdProperty?.GetValue(message) as string, AttemptProperty?.GetValue(message) as int?);

    static PropertyInfo? Find(Type type, params string[] names) =>
        names.Select(n => typeof(T).GetProperty(n, BindingFlags.Public | BindingFlags.Instance)).FirstOrDefault(p => p?.PropertyType == type);
}
