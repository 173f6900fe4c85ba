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
        return services;
    }
}
