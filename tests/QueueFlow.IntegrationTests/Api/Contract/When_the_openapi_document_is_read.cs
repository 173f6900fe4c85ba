using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Api.Contract;

/// <summary>
/// The OpenAPI document against the routes the host really maps, whoever added them: it validates as OpenAPI 3
/// (Microsoft.OpenApi's reader and its default rule set), every route is an operation with a summary, tags, its
/// security, its path and query parameters and problem responses, and every status a route answers bad input
/// with is one the document declares.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_the_openapi_document_is_read(ContractFactory contract) : IClassFixture<ContractFactory>
{
    [Fact]
    public async Task Should_validate_as_openapi_3_and_describe_every_mapped_route()
    {
        var (document, _) = await ReadAsync();
        var routes = MappedRoutes();
        Assert.NotEmpty(routes);
        Assert.Contains(QueueFlowSchemes, s => document.Components!.SecuritySchemes!.ContainsKey(s));

        var missing = new List<string>();
        foreach (var (method, path, endpoint) in routes)
        {
            var operation = Find(document, method, path);
            if (operation is null)
            {
                missing.Add($"{method} {path}: no operation");
                continue;
            }

            var where = $"{method} {path}";
            if (string.IsNullOrWhiteSpace(operation.Summary))
                missing.Add($"{where}: no summary");
            if (operation.Tags is not { Count: > 0 })
                missing.Add($"{where}: no tag");
            if (string.IsNullOrWhiteSpace(operation.OperationId))
                missing.Add($"{where}: no operationId");
            if (operation.Security is not { Count: > 0 })
                missing.Add($"{where}: no security requirement");
            foreach (var parameter in endpoint.RoutePattern.Parameters)
            {
                if (operation.Parameters?.Any(p => p.Name == parameter.Name && p.In == ParameterLocation.Path && p.Required) != true)
                    missing.Add($"{where}: path parameter {parameter.Name} not declared");
            }

            foreach (var status in new[] { "401", "403", "500" })
            {
                if (operation.Responses?.ContainsKey(status) != true)
                    missing.Add($"{where}: no {status} response");
            }

            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (status.StartsWith('4') || status.StartsWith('5'))
                {
                    if (response.Content?.TryGetValue("application/problem+json", out var problem) != true || problem!.Schema is null)
                        missing.Add($"{where}: {status} has no problem+json schema");
                }
                else if (response.Content is { Count: > 0 } content && content.Values.Any(c => c.Schema is null))
                    missing.Add($"{where}: {status} has content without a schema");
            }

            if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is not null)
            {
                var schema = operation.RequestBody?.Content?.Values.FirstOrDefault()?.Schema;
                if (schema is null || (schema is OpenApiSchema { Type: null, Properties: null or { Count: 0 } } && schema is not OpenApiSchemaReference))
                    missing.Add($"{where}: request body without a schema");
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task Should_declare_every_status_and_query_parameter_of_a_route_that_gets_bad_input()
    {
        var (document, _) = await ReadAsync();
        using var anonymous = contract.Api.ClientWith(null);
        using var reader = contract.Api.ClientWith(ApiFactory.ReaderKey);
        using var admin = contract.Api.ClientWith(ApiFactory.AdminKey);
        var undeclared = new List<string>();

        foreach (var (method, path, endpoint) in MappedRoutes())
        {
            var operation = Find(document, method, path)!;
            Assert.NotNull(operation);
            var declared = operation.Responses?.Keys.ToHashSet() ?? [];
            var url = endpoint.RoutePattern.Parameters.Aggregate(path, (p, parameter) => p.Replace($"{{{parameter.Name}}}", "not-an-id", StringComparison.Ordinal));
            var badQuery = string.Join("&", (operation.Parameters ?? []).Where(p => p.In == ParameterLocation.Query).Select(p => $"{p.Name}=%21bad"));

            foreach (var (client, target, body) in new[]
                     {
                         (anonymous, url, "{}"),
                         (reader, url, "{}"),
                         (admin, url, "{"),
                         (admin, badQuery.Length > 0 ? $"{url}?{badQuery}" : url, "{}"),
                     })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(target, UriKind.Relative));
                if (method != "GET")
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                // Headers only: a stream (GET /api/events) answers 200 and never ends; disposing the response ends it.
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if ((int)response.StatusCode >= 400 && !declared.Contains(status))
                    undeclared.Add($"{method} {target}: answered {status}, which the document does not declare");
                if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    undeclared.Add($"{method} {target}: answered {status} as {response.Content.Headers.ContentType?.MediaType}, not problem+json");
            }

            // A well-formed list request reads every filter it knows; each must be a declared parameter.
            if (method == "GET" && endpoint.RoutePattern.Parameters.Count == 0)
            {
                using var ok = await admin.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }
        }

        foreach (var (route, keys) in contract.Reads.ByRoute)
        {
            var (method, path) = (route[..route.IndexOf(' ', StringComparison.Ordinal)], Normalize(route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
            if (Find(document, method, path) is not { } operation)
                continue;
            foreach (var key in keys.Keys.Where(k => operation.Parameters?.Any(p => p.Name == k && p.In == ParameterLocation.Query) != true))
                undeclared.Add($"{route}: reads query parameter '{key}', which the document does not declare");
        }

        Assert.True(undeclared.Count == 0, string.Join("\n", undeclared));
    }

    [Fact]
    public async Task Should_serve_a_readable_reference_page_next_to_the_document()
    {
        using var reader = contract.Api.ClientWith(ApiFactory.ReaderKey);
        using var page = await reader.GetAsync(new Uri("/reference", UriKind.Relative));
        if (page.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.Redirect)
            Assert.Fail($"redirected to {page.Headers.Location}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Contains("QueueFlow API", html, StringComparison.Ordinal);
    }

    static readonly string[] QueueFlowSchemes = ["ApiKey", "Bearer"];

    async Task<(OpenApiDocument Document, string Json)> ReadAsync()
    {
        using var reader = contract.Api.ClientWith(ApiFactory.ReaderKey);
        using var response = await reader.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();

        var read = OpenApiDocument.Parse(json, "json");
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0,
            "reading: " + string.Join("; ", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        Assert.NotNull(read.Document);
        Assert.StartsWith("3.", read.Diagnostic!.SpecificationVersion.ToString().Replace("OpenApi", string.Empty, StringComparison.Ordinal).Replace('_', '.'), StringComparison.Ordinal);

        var errors = read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, "validating: " + string.Join("; ", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        return (read.Document, json);
    }

    /// <summary>Every route handler the host maps and does not exclude from the description: the API's own and any added later.</summary>
    List<(string Method, string Path, RouteEndpoint Endpoint)> MappedRoutes() =>
        [.. contract.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is not null
                && e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, Normalize(e.RoutePattern), e)))];

    static string Normalize(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        }))));

    static string Normalize(string rawPattern) => Normalize(RoutePatternFactory.Parse(rawPattern));

    static OpenApiOperation? Find(OpenApiDocument document, string method, string path) =>
        document.Paths.TryGetValue(path, out var item) && item.Operations?.TryGetValue(new HttpMethod(method), out var operation) == true ? operation : null;
}
