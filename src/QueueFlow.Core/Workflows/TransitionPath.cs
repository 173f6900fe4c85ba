namespace QueueFlow.Core.Workflows;

/// <summary>
/// Where one transition was written in a definition document, for error messages: the JSON paths of the
/// transition itself, of its source and of its target. The list shape and Itential's map shape differ.
/// </summary>
public sealed record TransitionPath(string Edge, string From, string To)
{
    /// <summary>The <paramref name="index"/>th entry of a <c>[{from, to, state}]</c> list.</summary>
    public static TransitionPath InList(int index) =>
        new($"transitions[{index}]", $"transitions[{index}].from", $"transitions[{index}].to");

    /// <summary>An entry of Itential's <c>{from: {to: {…}}}</c> map.</summary>
    public static TransitionPath InMap(string from, string to) =>
        new($"transitions.{from}.{to}", $"transitions.{from}", $"transitions.{from}.{to}");
}
