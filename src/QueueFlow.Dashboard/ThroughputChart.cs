using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QueueFlow.Dashboard;

/// <summary>The hour's throughput as an inline SVG bar chart: completions up, failures in red on top, one bar a minute.</summary>
public static class ThroughputChart
{
    const int BarWidth = 8, Height = 120;

    public static string Svg(JsonElement minutes)
    {
        var rows = minutes.ValueKind == JsonValueKind.Array
            ? minutes.EnumerateArray().Select(m => (Minute: m.GetProperty("minute").GetString() ?? "", Completed: m.GetProperty("completed").GetInt32(), Failed: m.GetProperty("failed").GetInt32())).ToList()
            : [];
        var max = Math.Max(1, rows.Select(r => r.Completed + r.Failed).DefaultIfEmpty(0).Max());
        var width = Math.Max(1, rows.Count) * (BarWidth + 2);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" aria-label=\"completions and failures per minute\" viewBox=\"0 0 {width} {Height + 14}\" width=\"{width * 2}\" height=\"{(Height + 14) * 2 / 2}\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var (minute, completed, failed) = rows[i];
            var hc = completed * Height / max;
            var hf = failed * Height / max;
            var x = i * (BarWidth + 2);
            svg.Append(CultureInfo.InvariantCulture, $"<g><title>{minute}: {completed} completed, {failed} failed</title>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"ok\" x=\"{x}\" y=\"{Height - hc}\" width=\"{BarWidth}\" height=\"{hc}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bad\" x=\"{x}\" y=\"{Height - hc - hf}\" width=\"{BarWidth}\" height=\"{hf}\"/></g>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{Height + 12}\">-60 min</text><text x=\"{width}\" y=\"{Height + 12}\" text-anchor=\"end\">now · max {max}/min</text></svg>");
        return svg.ToString();
    }
}
