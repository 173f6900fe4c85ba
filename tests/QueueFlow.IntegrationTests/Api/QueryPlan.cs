using System.Text.Json;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>A plan from <c>EXPLAIN (FORMAT JSON)</c>, flattened into its nodes.</summary>
public sealed class QueryPlan(JsonElement root)
{
    public IReadOnlyList<JsonElement> Nodes { get; } = Flatten(root).ToList();

    public IEnumerable<string> IndexNames =>
        Nodes.Where(n => n.TryGetProperty("Index Name", out _)).Select(n => n.GetProperty("Index Name").GetString()!);

    public IEnumerable<string> IndexConditions =>
        Nodes.Where(n => n.TryGetProperty("Index Cond", out _)).Select(n => n.GetProperty("Index Cond").GetString()!);

    /// <summary>Tables read whole: the thing a page query must never do.</summary>
    public IEnumerable<string> SequentialScans =>
        Nodes.Where(n => n.GetProperty("Node Type").GetString() == "Seq Scan").Select(n => n.GetProperty("Relation Name").GetString()!);

    /// <summary>One line per node, indented, for failure messages.</summary>
    public override string ToString() => Describe(root, 0);

    static IEnumerable<JsonElement> Flatten(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                foreach (var descendant in Flatten(child))
                    yield return descendant;
            }
        }
    }

    static string Describe(JsonElement node, int depth)
    {
        var line = new string(' ', depth * 2) + node.GetProperty("Node Type").GetString()
            + (node.TryGetProperty("Index Name", out var index) ? $" using {index.GetString()}" : string.Empty)
            + (node.TryGetProperty("Relation Name", out var relation) ? $" on {relation.GetString()}" : string.Empty)
            + (node.TryGetProperty("Index Cond", out var condition) ? $" [{condition.GetString()}]" : string.Empty);
        var children = node.TryGetProperty("Plans", out var plans) ? plans.EnumerateArray().Select(c => Describe(c, depth + 1)) : [];
        return string.Join('\n', children.Prepend(line));
    }
}
