using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace QueueFlow.Persistence;

/// <summary>
/// Maps a list of immutable-looking records to one jsonb column. The comparer compares serialized
/// forms because the elements are records whose mutable members would fool a reference snapshot.
/// </summary>
internal static class JsonColumn
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static ValueConverter<List<T>, string> ListConverter<T>() => new(
        list => JsonSerializer.Serialize(list, Options),
        json => JsonSerializer.Deserialize<List<T>>(json, Options) ?? new List<T>());

    public static ValueComparer<List<T>> ListComparer<T>() => new(
        (left, right) => JsonSerializer.Serialize(left, Options) == JsonSerializer.Serialize(right, Options),
        list => JsonSerializer.Serialize(list, Options).GetHashCode(StringComparison.Ordinal),
        list => JsonSerializer.Deserialize<List<T>>(JsonSerializer.Serialize(list, Options), Options) ?? new List<T>());
}
