using System.Globalization;

namespace QueueFlow.IntegrationTests.Observability;

/// <summary>Reads Prometheus' text exposition format: the value of a series, summed over those matching some labels.</summary>
public static class PrometheusText
{
    public static double Sum(string scrape, string metric, params (string Label, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(scrape);
        var total = 0.0;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal))
                continue;
            var rest = line[metric.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' '))
                continue;
            if (!labels.All(l => rest.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
                continue;

            // "name{labels} value [timestamp]"
            var afterLabels = rest[0] == '{' ? rest[(rest.LastIndexOf('}') + 1)..] : rest;
            var value = afterLabels.Trim().Split(' ')[0];
            total += double.Parse(value, CultureInfo.InvariantCulture);
        }

        return total;
    }
}
