using System.Security.Cryptography;

namespace Larkway.Emulator.Platform;

/// <summary>Identifier shapes as Feishu prints them (reference §1.5).</summary>
internal static class Ids
{
    public static string Hex(int chars) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((chars + 1) / 2))[..chars];

    public static string MessageId() => "om_" + Hex(32);

    public static string ThreadId() => "omt_" + Hex(14);

    public static string ChatId() => "oc_" + Hex(32);

    public static string OpenId() => "ou_" + Hex(32);

    public static string UnionId() => "on_" + Hex(32);

    public static string ImageKey() => "img_v3_" + Hex(8) + "-" + Hex(4) + "-" + Hex(4) + "-" + Hex(4) + "-" + Hex(12);

    public static string FileKey() => "file_v3_" + Hex(8) + "-" + Hex(4) + "-" + Hex(4) + "-" + Hex(4) + "-" + Hex(12);

    public static string TenantToken() => "t-" + Hex(40);

    public static string AppToken() => "a-" + Hex(40);

    /// <summary>Shape of live log ids: UTC timestamp + 20 upper-case hex digits.</summary>
    public static string LogId(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + Hex(20).ToUpperInvariant();

    /// <summary>A user's home-app open_id, derived from its user_id (seeds, the control API and generated directories agree).</summary>
    public static string HomeOpenId(string userId) => Stable("ou_", "user:" + userId);

    /// <summary>A user's union_id for the tenant's own developer, derived from its user_id.</summary>
    public static string HomeUnionId(string userId) => Stable("on_", "user:" + userId);

    public static string OpenDepartmentId(string departmentId) => Stable("od-", "dept:" + departmentId);

    /// <summary>Lower-case letters and digits of a name: the stem of a derived user_id or department_id.</summary>
    public static string Slug(string name) => new([.. name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);

    /// <summary><paramref name="stem"/>, or stem2, stem3… — the first that <paramref name="taken"/> does not hold.</summary>
    public static string FirstFree(string stem, Func<string, bool> taken)
    {
        var candidate = stem;
        for (var n = 2; taken(candidate); n++)
        {
            candidate = stem + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>A stable id derived from a seed name, so default-seed ids are the same on every run.</summary>
    public static string Stable(string prefix, string name, int chars = 32) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..chars];
}
