using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Hosting;

/// <summary>
/// Requests Kestrel refuses before any middleware runs, sent over a real socket to the worker's real Kestrel: each
/// answer is problem+json like every other answer of the API, not an empty body.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_kestrel_refuses_a_request
{
    [Theory]
    [InlineData("bad-request-line", 400, "Bad Request")]
    [InlineData("uri-too-long", 414, "URI Too Long")]
    [InlineData("headers-too-large", 431, "Request Header Fields Too Large")]
    public async Task Should_answer_problem_json_naming_what_was_wrong(string kind, int status, string title)
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in TestSettings.WorkerConfiguration())
                web.UseSetting(key, value);
        });
        factory.UseKestrel(0);
        factory.StartServer();
        await BusReadiness.UntilStartedAsync(factory.Services);
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var request = kind switch
        {
            "bad-request-line" => "GET /health HTTP/1.1 trailing-garbage\r\nHost: x\r\n\r\n",
            "uri-too-long" => $"GET /api/jobs?workflow={new string('w', 10_000)} HTTP/1.1\r\nHost: x\r\n\r\n",
            _ => $"GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: {new string('p', 40_000)}\r\n\r\n",
        };

        var (head, body) = await SendRawAsync(address, request);

        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}", head, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Should_leave_the_answers_that_reach_the_api_as_they_were()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in TestSettings.WorkerConfiguration())
                web.UseSetting(key, value);
        });
        factory.UseKestrel(0);
        factory.StartServer();
        await BusReadiness.UntilStartedAsync(factory.Services);
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = new HttpClient { BaseAddress = address };

        using var unauthorized = await client.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("application/problem+json", unauthorized.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/json", health.Content.Headers.ContentType?.MediaType);
        Assert.Equal(health.Content.Headers.ContentLength, (await health.Content.ReadAsByteArrayAsync()).Length);
    }

    /// <summary>Writes <paramref name="request"/> as it is and reads the answer until the server closes the connection.</summary>
    static async Task<(string Head, string Body)> SendRawAsync(Uri address, string request)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await tcp.ConnectAsync(address.Host, address.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, timeout.Token);
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no header block in: {text}");
        return (text[..(split + 2)], text[(split + 4)..]);
    }
}
