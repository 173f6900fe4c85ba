using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace QueueFlow.Dashboard;

/// <summary>
/// A workflow definition drawn as inline SVG on the server: tasks in layers by their distance from
/// <c>workflow_start</c>, transitions as arrows, a transition to a task no deeper than its source (a loop) as a dashed
/// back edge curving left; each task filled by its status when a job's tasks are given. No script, no library.
/// </summary>
public static class WorkflowGraph
{
    const int NodeWidth = 120, NodeHeight = 32, ColumnGap = 50, RowGap = 16, Margin = 30;

    public static string Svg(JsonElement definition, IReadOnlyDictionary<string, string>? statuses = null)
    {
        if (definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("definition", out var inner))
            definition = inner;
        var nodes = new List<string> { "workflow_start" };
        if (definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("tasks", out var tasks) && tasks.ValueKind == JsonValueKind.Array)
            nodes.AddRange(tasks.EnumerateArray().Select(t => t.TryGetProperty("id", out var id) ? id.GetString() ?? "?" : "?"));
        nodes.Add("workflow_end");
        var edges = new List<(string From, string To)>();
        if (definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("transitions", out var transitions) && transitions.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in transitions.EnumerateArray())
            {
                if (t.TryGetProperty("from", out var f) && t.TryGetProperty("to", out var to) && f.GetString() is { } from && to.GetString() is { } target)
                    edges.Add((from, target));
            }
        }
        foreach (var (from, to) in edges)
        {
            if (!nodes.Contains(from))
                nodes.Add(from);
            if (!nodes.Contains(to))
                nodes.Add(to);
        }

        // Layer = shortest distance from the start (breadth first), so a loop's way back points to a lower layer.
        var layer = new Dictionary<string, int> { ["workflow_start"] = 0 };
        var queue = new Queue<string>([ "workflow_start" ]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (_, to) in edges.Where(e => e.From == node))
            {
                if (layer.TryAdd(to, layer[node] + 1))
                    queue.Enqueue(to);
            }
        }
        var deepest = layer.Values.DefaultIfEmpty(0).Max();
        foreach (var node in nodes.Where(n => !layer.ContainsKey(n)))
            layer[node] = node == "workflow_end" ? deepest + 1 : 1;

        var position = new Dictionary<string, (int X, int Y)>();
        foreach (var group in nodes.GroupBy(n => layer[n]).OrderBy(g => g.Key))
        {
            var row = 0;
            foreach (var node in group)
                position[node] = (Margin + (group.Key * (NodeWidth + ColumnGap)), Margin + (row++ * (NodeHeight + RowGap)));
        }
        var width = position.Values.Max(p => p.X) + NodeWidth + Margin;
        var height = position.Values.Max(p => p.Y) + NodeHeight + Margin;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"graph\" role=\"img\" aria-label=\"workflow graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#555\"/></marker></defs>");
        foreach (var (from, to) in edges)
        {
            var (fx, fy) = position[from];
            var (tx, ty) = position[to];
            if (layer[to] <= layer[from])
            {
                // A back edge: leave from the bottom, curve below the nodes and come back into the target's bottom.
                var dip = Math.Max(fy, ty) + NodeHeight + 24;
                svg.Append(CultureInfo.InvariantCulture, $"<path class=\"back\" d=\"M{fx + (NodeWidth / 2)},{fy + NodeHeight} C{fx + (NodeWidth / 2)},{dip} {tx + (NodeWidth / 2)},{dip} {tx + (NodeWidth / 2)},{ty + NodeHeight}\" marker-end=\"url(#arrow)\"/>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{fx + NodeWidth}\" y1=\"{fy + (NodeHeight / 2)}\" x2=\"{tx}\" y2=\"{ty + (NodeHeight / 2)}\" marker-end=\"url(#arrow)\"/>");
            }
        }
        foreach (var node in nodes)
        {
            var (x, y) = position[node];
            var status = statuses is not null && statuses.TryGetValue(node, out var s) ? s : node is "workflow_start" or "workflow_end" ? "edge" : "none";
            var label = WebUtility.HtmlEncode(node is "workflow_start" ? "start" : node is "workflow_end" ? "end" : node);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"node s-{WebUtility.HtmlEncode(status)}\" data-task=\"{WebUtility.HtmlEncode(node)}\"><title>{label}: {WebUtility.HtmlEncode(status)}</title><rect x=\"{x}\" y=\"{y}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"6\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (NodeWidth / 2)}\" y=\"{y + 20}\">{label}</text></g>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }
}
