using System.Text;

namespace Larkway.WeCom.Messages;

/// <summary>WeCom's documented limits, checked before anything is sent so that the error says what to fix.</summary>
internal static class Limits
{
    public static WeComApiException Invalid(string message) => new(WeComErrorCodes.InvalidRequest, message);

    public static void Required(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Invalid($"{field} is required.");
        }
    }

    public static void MaxBytes(string? value, int max, string field)
    {
        if (value is not null && Encoding.UTF8.GetByteCount(value) is var bytes && bytes > max)
        {
            throw Invalid($"{field} is {bytes} bytes in UTF-8; WeCom allows {max}. Shorten it (a Chinese character is 3 bytes).");
        }
    }

    public static void Count<T>(IReadOnlyCollection<T>? items, int min, int max, string field)
    {
        var count = items?.Count ?? 0;
        if (count < min || count > max)
        {
            throw Invalid(min == 0 ? $"{field} holds at most {max} entries, not {count}." : $"{field} holds {min} to {max} entries, not {count}.");
        }
    }
}
