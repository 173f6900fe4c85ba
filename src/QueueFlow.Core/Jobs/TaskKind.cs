using System.Text.Json.Serialization;

namespace QueueFlow.Core.Jobs;

[JsonConverter(typeof(JsonStringEnumConverter<TaskKind>))]
public enum TaskKind
{
    /// <summary>Dispatched as <see cref="Contracts.RunTask"/> to a named queue.</summary>
    Worker,

    /// <summary>Done by a person; waits in Running until finished.</summary>
    Manual,

    /// <summary>Runs another workflow as a child job, whose id is the attempt id; the child's end finishes the attempt.</summary>
    Workflow,
}
