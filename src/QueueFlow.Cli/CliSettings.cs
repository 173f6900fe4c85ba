using System.Text.Json;

namespace QueueFlow.Cli;

/// <summary>
/// Where the API is and which key to present: the <c>--url</c> / <c>--api-key</c> options, else the
/// <c>QUEUEFLOW_URL</c> / <c>QUEUEFLOW_API_KEY</c> environment variables, else the config file
/// (<c>--config</c>, <c>QUEUEFLOW_CONFIG</c>, or <c>~/.config/queueflow/config.json</c> with <c>url</c> and <c>apiKey</c>).
/// The key is never printed.
/// </summary>
public sealed record CliSettings(Uri Url, string? ApiKey)
{
    public static readonly Uri DefaultUrl = new("http://127.0.0.1:5080");

    public static CliSettings Resolve(string? url, string? apiKey, string? configPath)
    {
        var file = ReadConfig(configPath ?? Environment.GetEnvironmentVariable("QUEUEFLOW_CONFIG")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "queueflow", "config.json"));
        var chosenUrl = url ?? Environment.GetEnvironmentVariable("QUEUEFLOW_URL") ?? file.Url;
        var chosenKey = apiKey ?? Environment.GetEnvironmentVariable("QUEUEFLOW_API_KEY") ?? file.ApiKey;
        return new CliSettings(chosenUrl is null ? DefaultUrl : new Uri(chosenUrl, UriKind.Absolute), chosenKey);
    }

    static ConfigFile ReadConfig(string path)
    {
        if (!File.Exists(path))
            return new ConfigFile(null, null);
        return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(path), JsonSerializerOptions.Web) ?? new ConfigFile(null, null);
    }

    sealed record ConfigFile(string? Url, string? ApiKey);
}
