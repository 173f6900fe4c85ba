using System.Globalization;

namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>
/// A Camunda key: a non-negative 64-bit integer written in decimal. Camunda's clients refuse any other form, so
/// QueueFlow accepts only ASCII digits — no sign, spaces, exponent or thousands separators.
/// </summary>
public readonly record struct CamundaJobKey(long Value)
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says precisely why.</summary>
    public static bool TryParse(string? text, out CamundaJobKey key, out string? error)
    {
        key = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "the job key is empty: it must be a 64-bit integer written in decimal digits";
            return false;
        }

        long value = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is < '0' or > '9')
            {
                error = $"the job key '{text}' is not a decimal number: character {i + 1} is '{c}', and only the digits 0-9 are allowed";
                return false;
            }

            // Checked per digit so a key of any length is refused as out of range, never wrapped.
            if (value > (long.MaxValue - (c - '0')) / 10)
            {
                error = $"the job key '{text}' is out of range: a job key is at most {long.MaxValue}";
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        key = new CamundaJobKey(value);
        error = null;
        return true;
    }

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
