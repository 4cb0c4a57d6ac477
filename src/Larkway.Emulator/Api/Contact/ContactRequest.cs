using System.Globalization;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// Query parameters of the contact v3 routes, read as Feishu reads them: id types checked, booleans as Go's
/// <c>strconv.ParseBool</c> takes them (so the Python SDK's <c>True</c> works), page sizes out of range 40011,
/// foreign page tokens 40012; anything else malformed is 40001 with a sentence saying what to send.
/// </summary>
internal static class ContactRequest
{
    public const int Invalid = ErrorCodes.ContactInvalidParameter;

    public static string UserIdType(HttpRequest request)
    {
        var type = request.Query("user_id_type") ?? "open_id";
        return type is "open_id" or "union_id" or "user_id"
            ? type
            : throw ApiErrorException.BadRequest(Invalid, $"invalid user_id_type '{type}': use open_id, union_id or user_id");
    }

    public static string DepartmentIdType(HttpRequest request)
    {
        var type = request.Query("department_id_type") ?? "open_department_id";
        return type is "open_department_id" or "department_id"
            ? type
            : throw ApiErrorException.BadRequest(Invalid, $"invalid department_id_type '{type}': use open_department_id or department_id");
    }

    /// <summary>1, t, T, TRUE, true, True (and the false spellings), as Feishu's gateway parses a boolean.</summary>
    public static bool Bool(HttpRequest request, string name, bool defaultValue) => request.Query(name) switch
    {
        null => defaultValue,
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        var other => throw ApiErrorException.BadRequest(Invalid, $"invalid {name} '{other}': use true or false"),
    };

    public static int PageSize(HttpRequest request, int defaultValue, int max)
    {
        var raw = request.Query("page_size");
        if (raw is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid page_size '{raw}': give an integer from 1 to {max}");
        }

        return value is >= 1 && value <= max
            ? value
            : throw ApiErrorException.BadRequest(ErrorCodes.ContactPageSizeInvalid, $"page size is invalid: {value} is outside 1 to {max}");
    }

    public static string? PageToken(HttpRequest request) => request.Query("page_token");

    /// <summary>A required query parameter (the route's own words for what to give).</summary>
    public static string Required(HttpRequest request, string name, string hint) =>
        request.Query(name) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw ApiErrorException.BadRequest(Invalid, $"invalid request: {name} is required ({hint})");

    /// <summary>The repeated <c>name=</c> values (<c>user_ids=a&amp;user_ids=b</c>), 1 to <paramref name="max"/> of them.</summary>
    public static IReadOnlyList<string> Repeated(HttpRequest request, string name, int max)
    {
        var values = request.Query.TryGetValue(name, out var raw) ? raw.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToList() : [];
        if (values.Count == 0)
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid request: {name} is required; repeat it for each id ({name}=a&{name}=b)");
        }

        return values.Count <= max
            ? values
            : throw ApiErrorException.BadRequest(Invalid, $"invalid request: {values.Count} {name}; at most {max} per request, split the list");
    }
}
