using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueueFlow.Api.DeadLetters;
using QueueFlow.Api.Events;
using QueueFlow.Api.Jobs;
using QueueFlow.Api.OpenApi;
using QueueFlow.Api.Overview;
using QueueFlow.Api.Problems;
using QueueFlow.Api.Security;
using QueueFlow.Api.Stats;
using QueueFlow.Api.Seeds.Camunda;
using QueueFlow.Api.Seeds.Cognite;
using QueueFlow.Api.Seeds.Itential;
using QueueFlow.Api.Seeds.Prefect;
using QueueFlow.Api.Tasks;
using QueueFlow.Api.Workflows;
using Scalar.AspNetCore;

namespace QueueFlow.Api;

/// <summary>The ops HTTP API: registration and mapping, called by the host.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// API keys, role policies, problem details and the OpenAPI document. Needs the persistence services and
    /// MassTransit (for the request clients of StartJob, PauseJob, ResumeJob, CancelJob and, on the seed
    /// systems' routes, CompleteTask, FailTask and SetTaskState) registered by the host.
    /// </summary>
    public static IHostApplicationBuilder AddQueueFlowApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Keys.Values.All(k => k.Key.Length >= 16 && ApiRoles.IsKnown(k.Role)),
                "Api:Keys: every key needs a Key of at least 16 characters and a Role of reader, operator or admin.")
            .ValidateOnStart();

        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Read, p => p.RequireRole(ApiRoles.Reader, ApiRoles.Operator, ApiRoles.Admin))
            .AddPolicy(ApiPolicies.Operate, p => p.RequireRole(ApiRoles.Operator, ApiRoles.Admin))
            .AddPolicy(ApiPolicies.Administer, p => p.RequireRole(ApiRoles.Admin))
            // Any endpoint that does not say otherwise (the OpenAPI document, a route added later) needs a key; /health opts out.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddProblemDetails(o => o.CustomizeProblemDetails = StatusCodeProblems.AddDetail);

        // Kestrel's own refusals (a malformed request line, 414, 431) never reach the middleware above.
        services.Configure<KestrelServerOptions>(k => k.ConfigureEndpointDefaults(l => l.Use(KestrelProblemResponses.Use)));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi(o => o.AddQueueFlowContract());

        // A host that knows the broker registers its reader first; alone, the API reports every backlog as unknown.
        services.TryAddSingleton<IQueueBacklogReader, NoQueueBacklogReader>();
        services.TryAddSingleton<IReplayDestinationCheck, NoReplayDestinationCheck>();
        return builder;
    }

    /// <summary>Problem+json for exceptions and bare status codes, the API's routes, <c>/openapi/v1.json</c> and the reference page at <c>/reference</c>.</summary>
    public static WebApplication MapQueueFlowApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(NulInQuery.GuardAsync);
        app.MapWorkflowEndpoints();
        app.MapJobEndpoints();
        app.MapJobControlEndpoints();
        app.MapTaskControlEndpoints();
        app.MapManualTaskEndpoints();
        app.MapWatchEndpoints();
        app.MapTaskEndpoints();
        app.MapBulkRetryEndpoint();
        app.MapBulkRetryCountEndpoint();
        app.MapBulkContinueEndpoint();
        app.MapDeadLetterEndpoints();
        app.MapOverviewEndpoint();
        app.MapStatsEndpoint();
        app.MapEventEndpoints();
        app.MapItentialEndpoints();
        app.MapCamundaEndpoints();
        app.MapCogniteEndpoints();
        app.MapPrefectEndpoints();
        var contract = new[]
        {
            app.MapOpenApi(),

            // Scalar's page, with its script served from the package (no CDN); it reads /openapi/v1.json.
            app.MapScalarApiReference("/reference", o => o
                .WithTitle("QueueFlow API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes(QueueFlowOpenApi.ApiKeyScheme)),
        };
        var publicContract = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.PublicContract;
        foreach (var endpoint in contract)
        {
            if (publicContract)
                endpoint.AllowAnonymous();
            else
                endpoint.RequireAuthorization(ApiPolicies.Read);
        }

        return app;
    }
}
