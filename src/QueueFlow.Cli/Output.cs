using System.Text.Json;
using Spectre.Console;

namespace QueueFlow.Cli;

/// <summary>Prints for people (tables, one-line errors on stderr) or, with <c>--json</c>, the JSON alone on stdout.</summary>
public sealed class Output(bool json)
{
    static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public bool Json => json;

    public static void Write(JsonElement document) => Console.Out.WriteLine(JsonSerializer.Serialize(document, Indented));

    public static void Write(object document) => Console.Out.WriteLine(JsonSerializer.Serialize(document, Indented));

    /// <summary>Prints the failure and returns its exit code.</summary>
    public int Fail(ApiAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (json && answer.Body.ValueKind == JsonValueKind.Object)
            Write(answer.Body);
        else if (json)
            Write(new { error = answer.Error });
        else
            Console.Error.WriteLine($"error: {answer.Error}");
        return answer.ExitCode;
    }

    public static void Table(string[] columns, IEnumerable<string?[]> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
            table.AddColumn(Markup.Escape(column));
        foreach (var row in rows)
            table.AddRow(row.Select(cell => Markup.Escape(cell ?? "-")).ToArray());
        AnsiConsole.Write(table);
    }

    public static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => value.GetString(),
                _ => value.GetRawText(),
            }
            : null;
}
