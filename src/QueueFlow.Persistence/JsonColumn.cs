using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace QueueFlow.Persistence;

/// <summary>
/// Maps a list of records to one jsonb column. Change tracking snapshots every loaded list and compares it on
/// every SaveChanges, so that must be cheap: when <see cref="RecordSnapshot{T}"/> supports the element type the
/// snapshot is a member-wise copy and the comparison member-wise equality, with no JSON at all. Otherwise it
/// compares serialized forms (the elements' mutable members would fool a reference snapshot), which is always
/// correct but costs two serializations per list per save and a serialize + deserialize per list loaded.
/// </summary>
internal static class JsonColumn
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static ValueConverter<List<T>, string> ListConverter<T>() => new(
        list => JsonSerializer.Serialize(list, Options),
        json => JsonSerializer.Deserialize<List<T>>(json, Options) ?? new List<T>());

    public static ValueComparer<List<T>> ListComparer<T>()
        where T : class =>
        RecordSnapshot<T>.IsSupported
            ? new ValueComparer<List<T>>(
                (left, right) => SequenceEquals(left, right),
                list => Hash(list),
                list => list.ConvertAll(item => RecordSnapshot<T>.Copy(item)))
            : new ValueComparer<List<T>>(
                (left, right) => JsonSerializer.Serialize(left, Options) == JsonSerializer.Serialize(right, Options),
                list => JsonSerializer.Serialize(list, Options).GetHashCode(StringComparison.Ordinal),
                list => JsonSerializer.Deserialize<List<T>>(JsonSerializer.Serialize(list, Options), Options) ?? new List<T>());

    private static bool SequenceEquals<T>(List<T>? left, List<T>? right)
        where T : class
    {
        if (left is null || right is null)
            return ReferenceEquals(left, right);
        if (left.Count != right.Count)
            return false;
        for (var i = 0; i < left.Count; i++)
        {
            if (!RecordSnapshot<T>.Equal(left[i], right[i]))
                return false;
        }

        return true;
    }

    private static int Hash<T>(List<T> list)
        where T : class
    {
        var hash = new HashCode();
        foreach (var item in list)
            hash.Add(RecordSnapshot<T>.Hash(item));
        return hash.ToHashCode();
    }
}
