using System.CommandLine;

namespace QueueFlow.Cli;

/// <summary>The options every command takes, and what they resolve to.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Url = new("--url") { Description = "The QueueFlow API (else QUEUEFLOW_URL, the config file, http://127.0.0.1:5080)", Recursive = true };
    public static readonly Option<string?> ApiKey = new("--api-key") { Description = "The API key (else QUEUEFLOW_API_KEY or the config file); never printed", Recursive = true };
    public static readonly Option<string?> Config = new("--config") { Description = "A JSON config file with url and apiKey (else QUEUEFLOW_CONFIG, ~/.config/queueflow/config.json)", Recursive = true };
    public static readonly Option<bool> Json = new("--json") { Description = "Machine output: the API's JSON, one document", Recursive = true };

    public static ApiClient Client(ParseResult parse) =>
        new(CliSettings.Resolve(parse.GetValue(Url), parse.GetValue(ApiKey), parse.GetValue(Config)));

    public static Output Output(ParseResult parse) => new(parse.GetValue(Json));
}
