namespace QueueFlow.Cli;

/// <summary>Builds a route's query string from the options that were given.</summary>
public static class QueryString
{
    public static string Of(string route, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var given = parameters.Where(p => p.Value is not null)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}");
        var query = string.Join('&', given);
        return query.Length == 0 ? route : $"{route}?{query}";
    }
}
