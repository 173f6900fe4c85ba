using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace QueueFlow.IntegrationTests.Api.Contract;

/// <summary>The worker host with <see cref="QueryReads"/> in front of its routes.</summary>
public sealed class ContractFactory : IDisposable
{
    public ApiFactory Api { get; } = new();
    public QueryReads Reads { get; } = new();

    public ContractFactory() =>
        Api.ConfigureExtra = web => web.ConfigureServices(s => s.AddSingleton<IStartupFilter>(Reads));

    public void Dispose() => Api.Dispose();
}
