namespace Larkway.Feishu.Im;

/// <summary>Local argument checks that name what to fix.</summary>
internal static class Checks
{
    public static string Id(string? value, string name, string example)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is empty; give an id such as {example}.", name);
        }

        return value.Trim();
    }

    public static int? PageSize(int? pageSize, int max, string name = "pageSize")
    {
        if (pageSize is { } size && (size < 1 || size > max))
        {
            throw new ArgumentOutOfRangeException(name, size, $"Page size must be between 1 and {max}.");
        }

        return pageSize;
    }

    public static string Wire(UserIdType type) => type switch
    {
        UserIdType.OpenId => "open_id",
        UserIdType.UnionId => "union_id",
        UserIdType.UserId => "user_id",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown user id type."),
    };

    public static string Wire(Contact.DepartmentIdType type) => type switch
    {
        Contact.DepartmentIdType.OpenDepartmentId => "open_department_id",
        Contact.DepartmentIdType.DepartmentId => "department_id",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown department id type."),
    };

    public static string Wire(MemberIdType type) => type switch
    {
        MemberIdType.OpenId => "open_id",
        MemberIdType.UnionId => "union_id",
        MemberIdType.UserId => "user_id",
        MemberIdType.AppId => "app_id",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown member id type."),
    };

    public static IReadOnlyList<string> IdList(IEnumerable<string> ids, string name, int max)
    {
        ArgumentNullException.ThrowIfNull(ids, name);
        var list = ids.Select(i => i?.Trim() ?? "").ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException($"{name} is empty; give at least one id.", name);
        }

        if (Array.Exists(list, string.IsNullOrEmpty))
        {
            throw new ArgumentException($"{name} contains an empty id.", name);
        }

        if (list.Length > max)
        {
            throw new ArgumentException($"{name} has {list.Length} ids; Feishu accepts at most {max} per call. Split the list.", name);
        }

        return list;
    }
}
