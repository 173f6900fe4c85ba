using System.Text.Json;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>Camunda's <c>variables</c>, the same on every job request: absent, null or a JSON object.</summary>
internal static class CamundaVariables
{
    public static AdapterError? Check(JsonElement? variables) =>
        !WireJson.IsAbsent(variables) && variables!.Value.ValueKind != JsonValueKind.Object
            ? new AdapterError("variables", $"variables must be a JSON object, not {WireJson.KindName(variables.Value)}")
            : null;
}
