using System.CommandLine;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Cli;

/// <summary><c>queueflow workflows list|show|register|validate</c>; validate runs offline with the server's own parser.</summary>
public static class WorkflowCommands
{
    public static Command Build()
    {
        var workflows = new Command("workflows", "Workflow definitions");
        var list = new Command("list", "Registered workflows");
        list.SetAction(async (parse, ct) => await JobCommands.Print(parse, "api/workflows?limit=500", page =>
            Output.Table(["name", "version", "registered"], page.GetProperty("items").EnumerateArray()
                .Select(w => new[] { Output.Text(w, "name"), Output.Text(w, "version"), Output.Text(w, "registeredAt") })), ct).ConfigureAwait(false));
        workflows.Subcommands.Add(list);

        var name = new Argument<string>("name") { Description = "The workflow's name" };
        var show = new Command("show", "A workflow's latest definition") { name };
        show.SetAction(async (parse, ct) => await JobCommands.Print(parse, $"api/workflows/{Uri.EscapeDataString(parse.GetValue(name)!)}",
            document => Output.Write(document), ct).ConfigureAwait(false));
        workflows.Subcommands.Add(show);

        var registerFile = new Argument<FileInfo>("file") { Description = "A definition document (JSON)" };
        var register = new Command("register", "Register a definition (admin role)") { registerFile };
        register.SetAction(async (parse, ct) =>
        {
            var output = GlobalOptions.Output(parse);
            var file = parse.GetValue(registerFile)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"error: {file.FullName} does not exist");
                return ExitCodes.Invalid;
            }

            using var document = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false));
            using var client = GlobalOptions.Client(parse);
            var answer = await client.PostAsync("api/workflows", document.RootElement, null, ct).ConfigureAwait(false);
            if (!answer.Ok)
                return output.Fail(answer);
            if (output.Json)
                Output.Write(answer.Body);
            else
                Console.Out.WriteLine($"registered {Output.Text(answer.Body, "name")} v{Output.Text(answer.Body, "version")}");
            return ExitCodes.Ok;
        });
        workflows.Subcommands.Add(register);

        var validateFile = new Argument<FileInfo>("file") { Description = "A definition document (JSON)" };
        var validate = new Command("validate", "Check a definition offline, with the errors the server would give") { validateFile };
        validate.SetAction(parse =>
        {
            var output = GlobalOptions.Output(parse);
            var file = parse.GetValue(validateFile)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"error: {file.FullName} does not exist");
                return ExitCodes.Invalid;
            }

            var result = WorkflowParser.Parse(File.ReadAllText(file.FullName));
            if (output.Json)
                Output.Write(new { valid = result.IsValid, name = result.Definition?.Name, errors = result.Errors });
            else if (result.IsValid)
                Console.Out.WriteLine($"{file.Name}: valid ({result.Definition!.Name}, {result.Definition.Tasks.Count} task(s))");
            else
                foreach (var error in result.Errors)
                    Console.Out.WriteLine($"{file.Name}: {error}");
            return result.IsValid ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        workflows.Subcommands.Add(validate);
        return workflows;
    }
}
