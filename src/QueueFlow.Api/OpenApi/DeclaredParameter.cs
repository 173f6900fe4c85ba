namespace QueueFlow.Api.OpenApi;

/// <summary>
/// A query or header parameter a route reads from the raw request (the list filters, Idempotency-Key), declared as
/// endpoint metadata so the OpenAPI document lists it; <see cref="QueueFlowOpenApi"/> turns it into a parameter.
/// </summary>
/// <param name="Name">The parameter's name on the wire.</param>
/// <param name="In"><c>query</c> or <c>header</c>.</param>
/// <param name="Description">What it does and what it accepts.</param>
/// <param name="Type">A JSON schema type: string, integer, number or boolean.</param>
/// <param name="Format">A JSON schema format, e.g. date-time.</param>
/// <param name="Values">The values it accepts, when it is an enumeration.</param>
public sealed record DeclaredParameter(string Name, string In, string Description, string Type = "string", string? Format = null, IReadOnlyList<string>? Values = null)
{
    public static DeclaredParameter Query(string name, string description, string type = "string", string? format = null, IReadOnlyList<string>? values = null) =>
        new(name, "query", description, type, format, values);

    public static DeclaredParameter Header(string name, string description) => new(name, "header", description);
}
