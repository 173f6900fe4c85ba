using System.Text.Json.Serialization;

namespace QueueFlow.Core.Jobs;

[JsonConverter(typeof(JsonStringEnumConverter<TaskKind>))]
public enum TaskKind
{
    /// <summary>Dispatched as <see cref="Contracts.RunTask"/> to a named queue.</summary>
    Worker,

    /// <summary>Done by a person; waits in Running until finished.</summary>
    Manual,
}
