using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace QueueFlow.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>What the dashboard needs in any host: its options, the API client, antiforgery, the component renderer.</summary>
    public static IServiceCollection AddQueueFlowDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection(DashboardOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(DashboardApi.ClientName);
        services.AddSingleton<DashboardApi>();
        services.AddAntiforgery();
        services.AddDataProtection();
        services.AddRazorComponents();
        // The action routes use regex constraints, which a host made with WebApplication.CreateSlimBuilder does not
        // register; registering the same policy again in a full host changes nothing.
        services.Configure<RouteOptions>(routes => routes.SetParameterPolicy<RegexInlineRouteConstraint>("regex"));
        return services;
    }
}
