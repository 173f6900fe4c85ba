using Microsoft.OpenApi;

namespace QueueFlow.Api.OpenApi;

/// <summary>The schema of a workflow definition document, as QueueFlow.Core's WorkflowParser reads it (its field lists).</summary>
public static class WorkflowDefinitionSchemas
{
    public static OpenApiSchema Definition() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "name", "tasks", "transitions" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["name"] = Text("The workflow's name; registering it again with other tasks makes a new version."),
            ["version"] = Integer("An explicit version; omitted, the next one is taken."),
            ["description"] = Text("Free text."),
            ["maxIterations"] = Integer("How often a loop may run a task again."),
            ["deadlineSeconds"] = Integer("The whole job's time limit."),
            ["onDeadline"] = Text("What the deadline does to the job."),
            ["tasks"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Task() },
            ["transitions"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Transition() },
        },
        AdditionalPropertiesAllowed = false,
    };

    static OpenApiSchema Task() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "id" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["id"] = Text("Unique within the workflow; not workflow_start or workflow_end."),
            ["kind"] = Text("worker (default), manual or workflow."),
            ["queue"] = Text("The queue a worker task's RunTask goes to."),
            ["input"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "The input template; ${variables.x} and ${tasks.id.output.x} are resolved at dispatch." },
            ["retries"] = Integer("Retries after a failed attempt (0 to 10)."),
            ["timeoutSeconds"] = Integer("Start-to-close limit of an attempt."),
            ["heartbeatTimeoutSeconds"] = Integer("Longest silence between heartbeats of an attempt."),
            ["retryOnTimeout"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Whether a timed-out attempt is retried." },
            ["retryDelaySeconds"] = Integer("Wait before the first retry."),
            ["retryBackoffMultiplier"] = new OpenApiSchema { Type = JsonSchemaType.Number, Description = "Each further retry waits this many times longer." },
            ["maxRetryDelaySeconds"] = Integer("Cap on the retry wait."),
            ["retryJitter"] = new OpenApiSchema { Type = JsonSchemaType.Number, Description = "Random share added to each retry wait." },
            ["onFailure"] = Text("failJob, errorTransition or continue."),
            ["description"] = Text("Free text."),
            ["workflow"] = Text("The child workflow a workflow task runs."),
            ["version"] = Integer("The child workflow's version."),
        },
        AdditionalPropertiesAllowed = false,
    };

    static OpenApiSchema Transition() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "from", "to" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["from"] = Text("A task id or workflow_start."),
            ["to"] = Text("A task id or workflow_end."),
            ["state"] = Text("The finish state that takes this transition (success by default)."),
        },
    };

    static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    static OpenApiSchema Integer(string description) => new() { Type = JsonSchemaType.Integer, Format = "int32", Description = description };
}
