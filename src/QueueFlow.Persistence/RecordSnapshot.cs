using System.Collections;
using System.Reflection;

namespace QueueFlow.Persistence;

/// <summary>
/// Copies and compares a record member by member, for EF Core's change-tracking snapshot of a jsonb list. A
/// record qualifies when each of its properties is a value (number, string, enum, Guid, date) or a
/// <see cref="List{T}"/> of records whose properties are all values; then the copy shares nothing mutable with
/// the original and the comparison sees every change. <see cref="IsSupported"/> is false for any other shape,
/// and the caller must compare serialized forms instead.
/// </summary>
internal static class RecordSnapshot<T>
    where T : class
{
    private static readonly PropertyInfo[] Properties = typeof(T)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0)
        .ToArray();

    private static readonly PropertyInfo[] Lists = Properties.Where(p => IsListOfFlatRecords(p.PropertyType)).ToArray();

    private static readonly Func<T, T>? Clone = CloneOf(typeof(T)) is { } clone
        ? (Func<T, T>)Delegate.CreateDelegate(typeof(Func<T, T>), clone)
        : null;

    public static readonly bool IsSupported =
        Clone is not null &&
        Properties.All(p => IsValue(p.PropertyType) || (Lists.Contains(p) && p.CanWrite)) &&
        typeof(T).GetFields(BindingFlags.Public | BindingFlags.Instance).Length == 0;

    public static T Copy(T item)
    {
        var copy = Clone!(item);
        foreach (var list in Lists)
        {
            if (list.GetValue(item) is IList source)
            {
                var target = (IList)Activator.CreateInstance(list.PropertyType, source.Count)!;
                foreach (var element in source)
                    target.Add(element is null ? null : CloneOf(element.GetType())!.Invoke(element, null));
                list.SetValue(copy, target);
            }
        }

        return copy;
    }

    public static bool Equal(T left, T right)
    {
        foreach (var property in Properties)
        {
            var a = property.GetValue(left);
            var b = property.GetValue(right);
            if (a is IList first && b is IList second)
            {
                if (first.Count != second.Count)
                    return false;
                for (var i = 0; i < first.Count; i++)
                {
                    if (!Equals(first[i], second[i]))
                        return false;
                }
            }
            else if (!Equals(a, b))
            {
                return false;
            }
        }

        return true;
    }

    public static int Hash(T item)
    {
        var hash = new HashCode();
        foreach (var property in Properties)
        {
            var value = property.GetValue(item);
            hash.Add(value is IList list ? list.Count : value);
        }

        return hash.ToHashCode();
    }

    // The compiler's copy constructor behind `with`: every record has it, no other type does.
    private static MethodInfo? CloneOf(Type type) => type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);

    private static bool IsListOfFlatRecords(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) &&
        type.GetGenericArguments()[0] is { IsClass: true } element && CloneOf(element) is not null &&
        element.GetProperties(BindingFlags.Public | BindingFlags.Instance).All(p => p.Name == "EqualityContract" || IsValue(p.PropertyType)) &&
        element.GetFields(BindingFlags.Public | BindingFlags.Instance).Length == 0;

    private static bool IsValue(Type type)
    {
        if (type == typeof(Type))
            return true; // EqualityContract: the record's own type, fixed.
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid) ||
            type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan);
    }
}
