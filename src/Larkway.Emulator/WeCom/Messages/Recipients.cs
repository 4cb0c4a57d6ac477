using System.Globalization;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;

namespace Larkway.Emulator.WeCom.Messages;

/// <summary>
/// Who a message reaches: <c>touser</c> ("a|b", up to 1000, or "@all"), <c>toparty</c> and <c>totag</c> (ids joined by '|',
/// up to 100 each; ignored with "@all"). Departments reach their members and those of the departments below them. What
/// names nobody goes back in <c>invaliduser</c> (lower-cased) / <c>invalidparty</c> / <c>invalidtag</c>.
/// </summary>
internal sealed record Recipients(IReadOnlyList<string> Users, IReadOnlyList<string> InvalidUsers, IReadOnlyList<string> InvalidParties, IReadOnlyList<string> InvalidTags)
{
    public const int MaxUsers = 1000;
    public const int MaxParties = 100;
    public const int MaxTags = 100;

    /// <summary>The invalid parts as send answers them ("a|b"), only those that are not empty.</summary>
    public Dictionary<string, object?> InvalidFields()
    {
        var fields = new Dictionary<string, object?>();
        if (InvalidUsers.Count > 0)
        {
            fields["invaliduser"] = string.Join('|', InvalidUsers);
        }

        if (InvalidParties.Count > 0)
        {
            fields["invalidparty"] = string.Join('|', InvalidParties);
        }

        if (InvalidTags.Count > 0)
        {
            fields["invalidtag"] = string.Join('|', InvalidTags);
        }

        return fields;
    }

    public static Recipients Resolve(WeComOrg org, string? toUser, string? toParty, string? toTag)
    {
        var users = Split(toUser);
        var parties = Split(toParty);
        var tags = Split(toTag);
        if (users.Count == 0 && parties.Count == 0 && tags.Count == 0)
        {
            throw WeComException.Of(WeComCodes.AllRecipientsEmpty, "name recipients in touser, toparty or totag (ids joined by '|', or touser \"@all\")");
        }

        if (users.Count == 1 && users[0] == "@all")
        {
            return new Recipients([.. org.Users.Select(u => u.UserId).Order(StringComparer.Ordinal)], [], [], []);
        }

        Limit(users, MaxUsers, "touser");
        Limit(parties, MaxParties, "toparty");
        Limit(tags, MaxTags, "totag");
        var reached = new List<string>();
        var invalidUsers = new List<string>();
        foreach (var id in users)
        {
            if (org.FindUser(id) is { } user)
            {
                reached.Add(user.UserId);
            }
            else
            {
                invalidUsers.Add(id.ToLowerInvariant());
            }
        }

        var invalidParties = new List<string>();
        foreach (var id in parties)
        {
            if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var dept) && org.FindDepartment(dept) is not null)
            {
                reached.AddRange(org.MembersOf(dept, recursive: true).Select(u => u.UserId));
            }
            else
            {
                invalidParties.Add(id);
            }
        }

        var invalidTags = new List<string>();
        foreach (var id in tags)
        {
            if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var tagId) && org.FindTag(tagId) is { } tag)
            {
                reached.AddRange(tag.UserIds);
            }
            else
            {
                invalidTags.Add(id);
            }
        }

        return new Recipients([.. reached.Distinct(StringComparer.Ordinal)], invalidUsers, invalidParties, invalidTags);
    }

    private static List<string> Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : [.. list.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    private static void Limit(List<string> ids, int max, string field)
    {
        if (ids.Count > max)
        {
            throw WeComException.InvalidParameter($"{field} names {ids.Count} recipients; at most {max}");
        }
    }
}
