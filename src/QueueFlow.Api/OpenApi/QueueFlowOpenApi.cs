using System.Globalization;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;
using QueueFlow.Api.Security;

namespace QueueFlow.Api.OpenApi;

/// <summary>
/// Completes the generated OpenAPI document with what the handlers' signatures do not say: the API-key and bearer
/// security schemes and each operation's requirement, the query and header parameters a route declares with
/// <see cref="OpenApiEndpointExtensions.WithParameters{TBuilder}"/>, route parameters no handler argument binds,
/// and the problem+json responses every route of a kind can give (401/403 behind a key, 400/413/415 with a body,
/// 400 with query parameters, 404 with path parameters, 409/503/504 when it waits for the job saga, 500 always).
/// </summary>
public static class QueueFlowOpenApi
{
    public const string ProblemSchema = "ProblemDetails";
    public const string WorkflowDefinitionSchema = "WorkflowDefinition";
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";
    const string ProblemJson = "application/problem+json";

    public static OpenApiOptions AddQueueFlowContract(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "QueueFlow";
            document.Info.Description = "Runs workflow jobs driven by messages. Every operation needs an API key (X-Api-Key or Authorization: Bearer); errors are RFC 9457 problem+json.";
            var components = document.Components ??= new OpenApiComponents();
            components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key configured under Api:Keys, with the role the operation needs (reader, operator or admin).",
            };
            components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The same API key as a bearer token, as the seed systems' clients send it (not a JWT).",
            };
            EnsureSchemas(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            Complete(operation, context);
            return Task.CompletedTask;
        });
        return options;
    }

    static void Complete(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var document = context.Document ?? throw new InvalidOperationException("the OpenAPI operation has no document");
        EnsureSchemas(document);
        operation.Parameters ??= [];
        operation.Responses ??= [];

        foreach (var declared in metadata.OfType<DeclaredParameter>())
        {
            if (operation.Parameters.Any(p => p.Name == declared.Name))
                continue;
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = declared.Name,
                In = declared.In == "header" ? ParameterLocation.Header : ParameterLocation.Query,
                Description = declared.Description,
                Schema = Schema(declared),
            });
        }

        var routeParameters = RouteParameters(description);
        foreach (var name in routeParameters)
        {
            if (operation.Parameters.Any(p => p.Name == name && p.In == ParameterLocation.Path))
                continue;
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Description = $"The {name} the route is about.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        if (operation.OperationId == "RegisterWorkflow")
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "A workflow definition document (JSON): its tasks and the transitions between them.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(WorkflowDefinitionSchema, document) } },
            };

        var secured = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        if (secured)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            ];
            AddProblem(operation, document, StatusCodes.Status401Unauthorized, "No API key, or one that names no configured key.");
            AddProblem(operation, document, StatusCodes.Status403Forbidden, "The key's role may not call this operation.");
        }

        var hasBody = operation.RequestBody is not null || metadata.OfType<IAcceptsMetadata>().Any();
        if (hasBody)
        {
            AddProblem(operation, document, StatusCodes.Status400BadRequest, "The body is not valid JSON or breaks a rule; detail says which field.");
            AddProblem(operation, document, StatusCodes.Status413PayloadTooLarge, "The body is larger than Api:MaxRequestBodyBytes.");
            AddProblem(operation, document, StatusCodes.Status415UnsupportedMediaType, "The body is not application/json.");
        }

        if (operation.Parameters.Any(p => p.In is ParameterLocation.Query or ParameterLocation.Header))
            AddProblem(operation, document, StatusCodes.Status400BadRequest, "A parameter is malformed; the problem's parameter member names it.");
        if (routeParameters.Count > 0)
            AddProblem(operation, document, StatusCodes.Status404NotFound, "No such job, task or workflow.");

        // A route that sends a command to the job saga and waits for its answer.
        if (HandlerSendsCommands(metadata))
        {
            AddProblem(operation, document, StatusCodes.Status409Conflict, "The job saga rejected the command, or the job is finished.");
            AddProblem(operation, document, StatusCodes.Status503ServiceUnavailable, "The job is paused: try again after Retry-After seconds.");
            AddProblem(operation, document, StatusCodes.Status504GatewayTimeout, "The job saga did not answer within Api:CommandTimeout.");
        }

        AddProblem(operation, document, StatusCodes.Status500InternalServerError, "An unexpected error; nothing was changed unless the command was already sent.");

        // Declared problem responses (ProducesProblem) come with an empty description and a generic schema: give them ours.
        foreach (var (status, response) in operation.Responses)
        {
            if (response is OpenApiResponse concrete && int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code >= 400)
            {
                concrete.Content ??= new Dictionary<string, OpenApiMediaType>();
                concrete.Content[ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) };
                if (string.IsNullOrEmpty(concrete.Description))
                    concrete.Description = ReasonPhrases.GetReasonPhrase(code);
            }
        }
    }

    /// <summary>The handler takes an <c>IRequestClient&lt;T&gt;</c>: it sends the job saga a command and answers its outcome.</summary>
    static bool HandlerSendsCommands(IList<object> metadata) =>
        metadata.OfType<System.Reflection.MethodInfo>().Any(m => m.GetParameters().Any(p =>
            p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(IRequestClient<>)));

    static List<string> RouteParameters(ApiDescription description) =>
        description.RelativePath is { } path
            ? [.. RoutePatternFactory.Parse(path).Parameters.Select(p => p.Name)]
            : [];

    static void AddProblem(OpenApiOperation operation, OpenApiDocument document, int status, string description)
    {
        var key = status.ToString(CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
            return;
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) } },
        };
    }

    static OpenApiSchema Schema(DeclaredParameter declared)
    {
        var schema = new OpenApiSchema
        {
            Type = declared.Type switch
            {
                "integer" => JsonSchemaType.Integer,
                "number" => JsonSchemaType.Number,
                "boolean" => JsonSchemaType.Boolean,
                _ => JsonSchemaType.String,
            },
            Format = declared.Format,
        };
        if (declared.Values is { Count: > 0 } values)
            schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
        return schema;
    }

    static void EnsureSchemas(OpenApiDocument document)
    {
        var components = document.Components ??= new OpenApiComponents();
        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        components.Schemas.TryAdd(ProblemSchema, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details; routes add members such as parameter, path, errors, jobStatus or taskStatus.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            },
            AdditionalPropertiesAllowed = true,
        });
        components.Schemas.TryAdd(WorkflowDefinitionSchema, WorkflowDefinitionSchemas.Definition());
    }
}
