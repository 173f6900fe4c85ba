using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using QueueFlow.IntegrationTests.Api;

namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>
/// One QueueFlow deployment, as an operator would run a second one beside the first: the worker host with its HTTP
/// API, its own <c>Endpoints:Prefix</c> and its own database, on the tests' virtual host.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    readonly ApiFactory _base;
    readonly WebApplicationFactory<Program> _host;

    Deployment(string prefix, string connectionString, ApiFactory @base, WebApplicationFactory<Program> host)
    {
        Prefix = prefix;
        ConnectionString = connectionString;
        _base = @base;
        _host = host;
    }

    public string Prefix { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>A name on the broker as this deployment has it.</summary>
    public string Name(string entity) => Prefix + entity;

    public static async Task<Deployment> StartAsync(string prefix, string databaseSuffix)
    {
        var connectionString = await OwnDatabase.CreateAsync(databaseSuffix);
        var @base = new ApiFactory();
        var host = @base.WithWebHostBuilder(b =>
        {
            b.UseSetting("Endpoints:Prefix", prefix);
            b.UseSetting("ConnectionStrings:QueueFlow", connectionString);
        });
        _ = host.Services;
        return new Deployment(prefix, connectionString, @base, host);
    }

    /// <summary>A client sending <paramref name="key"/> (one of <see cref="ApiFactory"/>'s) as X-Api-Key.</summary>
    public HttpClient ClientWith(string key)
    {
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _base.DisposeAsync();
        await OwnDatabase.DropAsync(ConnectionString);
    }
}
