using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>The worker host over the real services, with one API key per role, shared by the tests of a class.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string ReaderKey = "test-reader-key-0123456789";
    public const string OperatorKey = "test-operator-key-0123456789";
    public const string AdminKey = "test-admin-key-0123456789";

    /// <summary>A client sending <paramref name="key"/> as X-Api-Key, or no key when null.</summary>
    public HttpClient ClientWith(string? key)
    {
        var client = CreateClient();
        if (key is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>A client sending <paramref name="key"/> as <c>Authorization: Bearer</c>, as the seed systems' clients do.</summary>
    public HttpClient BearerClient(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>More settings for a test class's own host, applied after the shared ones.</summary>
    public Action<IWebHostBuilder>? ConfigureExtra { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in TestSettings.WorkerConfiguration())
            builder.UseSetting(key, value);
        builder.UseSetting("Api:Keys:test-reader:Key", ReaderKey);
        builder.UseSetting("Api:Keys:test-reader:Role", "reader");
        builder.UseSetting("Api:Keys:test-operator:Key", OperatorKey);
        builder.UseSetting("Api:Keys:test-operator:Role", "operator");
        builder.UseSetting("Api:Keys:test-admin:Key", AdminKey);
        builder.UseSetting("Api:Keys:test-admin:Role", "admin");
        ConfigureExtra?.Invoke(builder);
    }
}
