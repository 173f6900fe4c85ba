using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace QueueFlow.Api.OpenApi;

/// <summary>Route metadata the generated OpenAPI document cannot infer from a handler that reads the raw request.</summary>
public static class OpenApiEndpointExtensions
{
    /// <summary>Declares the query or header parameters the route reads itself.</summary>
    public static TBuilder WithParameters<TBuilder>(this TBuilder builder, params DeclaredParameter[] parameters)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata([.. parameters]);
    }

    /// <summary>Declares problem+json responses beyond the ones <see cref="QueueFlowOpenApi"/> gives every route of its kind.</summary>
    public static TBuilder WithProblems<TBuilder>(this TBuilder builder, params int[] statusCodes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in statusCodes)
            builder.ProducesProblem(status);
        return builder;
    }
}
