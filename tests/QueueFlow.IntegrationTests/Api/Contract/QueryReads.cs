using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace QueueFlow.IntegrationTests.Api.Contract;

/// <summary>
/// Records which query parameters each route reads from the raw request, by wrapping the request's query
/// collection before routing: what a handler reads, the OpenAPI document must declare.
/// </summary>
public sealed class QueryReads : IStartupFilter
{
    /// <summary>Keys read, by "METHOD route-pattern".</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> ByRoute { get; } = new(StringComparer.Ordinal);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, proceed) =>
        {
            var read = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
            context.Request.Query = new Recording(context.Request.Query, read);
            await proceed(context);
            if (context.GetEndpoint() is RouteEndpoint endpoint)
            {
                var reads = ByRoute.GetOrAdd($"{context.Request.Method} {endpoint.RoutePattern.RawText}", _ => new(StringComparer.Ordinal));
                foreach (var key in read.Keys)
                    reads[key] = true;
            }
        });
        next(app);
    };

    sealed class Recording(IQueryCollection inner, ConcurrentDictionary<string, bool> read) : IQueryCollection
    {
        public StringValues this[string key]
        {
            get
            {
                read[key] = true;
                return inner[key];
            }
        }

        public int Count => inner.Count;
        public ICollection<string> Keys => inner.Keys;

        public bool ContainsKey(string key)
        {
            read[key] = true;
            return inner.ContainsKey(key);
        }

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value)
        {
            read[key] = true;
            return inner.TryGetValue(key, out value);
        }

        public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => inner.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
