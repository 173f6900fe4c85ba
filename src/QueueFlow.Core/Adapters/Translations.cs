namespace QueueFlow.Core.Adapters;

/// <summary>Builds <see cref="Translation{T}"/> values; kept apart so the generic record has no static members.</summary>
internal static class Translations
{
    public static Translation<T> Valid<T>(T command) where T : class => new(command, []);

    public static Translation<T> Invalid<T>(IReadOnlyList<AdapterError> errors) where T : class => new(null, errors);

    public static Translation<T> Invalid<T>(string field, string message) where T : class => new(null, [new AdapterError(field, message)]);
}
