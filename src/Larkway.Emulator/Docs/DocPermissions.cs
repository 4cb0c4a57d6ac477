using Larkway.Emulator.State;

namespace Larkway.Emulator.Docs;

/// <summary>Permission levels, ordered: each includes the ones below it.</summary>
internal enum Perm
{
    None = 0,
    View = 1,
    Edit = 2,
    FullAccess = 3,
}

/// <summary>
/// Effective permission as Feishu computes it (docs-facts §9, §4.1, §3): the best of the owner (full access), explicit
/// members (a user; a chat holding the user, or the app's bot; a department holding the user, sub-departments included; the
/// app itself), the wiki space of a node (admin full access, member edit; a public space gives every user of the tenant
/// view), the members and owners of the folders above, and link sharing (users only: tenant_* for any user of the tenant,
/// anyone_* for anyone). With a user token only the user's own rights count, never the app's. Call under the store's lock.
/// </summary>
internal static class DocPermissions
{
    public static Perm Of(DocsStore store, DocFile file, DocIdentity who)
    {
        var state = store.State;
        var best = IsOwner(file, who) ? Perm.FullAccess : Perm.None;
        best = Max(best, MembersPerm(state, file.Members, who));
        if (file.SpaceId is { } spaceId && store.FindSpace(spaceId) is { } space)
        {
            best = Max(best, SpacePerm(state, space, who));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var folder = file.FolderToken is { } f ? store.FindFile(f) : null; folder is not null && seen.Add(folder.Token); folder = folder.FolderToken is { } p ? store.FindFile(p) : null)
        {
            best = Max(best, IsOwner(folder, who) ? Perm.FullAccess : MembersPerm(state, folder.Members, who));
        }

        if (who.IsUser)
        {
            best = Max(best, file.Public.LinkShareEntity switch
            {
                "tenant_readable" or "anyone_readable" or "partner_tenant_readable" => Perm.View,
                "tenant_editable" or "anyone_editable" or "partner_tenant_editable" => Perm.Edit,
                _ => Perm.None,
            });
        }

        return best;
    }

    /// <summary>What a space gives: its members by role; a public space, view to every user of the tenant.</summary>
    public static Perm SpacePerm(EmulatorState state, WikiSpace space, DocIdentity who)
    {
        var best = space.Visibility == "public" && who.IsUser ? Perm.View : Perm.None;
        foreach (var member in space.Members)
        {
            if (Matches(state, member.Kind, member.Key, who))
            {
                best = Max(best, member.Role == "admin" ? Perm.FullAccess : Perm.Edit);
            }
        }

        return best;
    }

    public static bool IsSpaceMember(EmulatorState state, WikiSpace space, DocIdentity who) =>
        space.Members.Exists(m => Matches(state, m.Kind, m.Key, who));

    public static bool IsOwner(DocFile file, DocIdentity who) =>
        who.UserOpenId is { } user ? file.Owner.OpenId == user : file.Owner.OpenId is null && file.Owner.AppId == who.AppId;

    /// <summary>Whether a member entry (or a space member) stands for the caller.</summary>
    public static bool Matches(EmulatorState state, string kind, string key, DocIdentity who) => kind switch
    {
        "user" => who.UserOpenId == key,
        "app" => !who.IsUser && who.AppId == key,
        "chat" => state.FindChat(key) is { Dissolved: false } chat
            && (who.UserOpenId is { } user ? chat.MemberOpenIds.Contains(user) : chat.BotAppIds.Contains(who.AppId)),
        "department" => who.UserOpenId is { } person && state.FindUser("open_id", person) is { } u
            && u.DepartmentIds.Any(d => d == key || state.AncestorDepartments(d).Any(a => a.OpenDepartmentId == key)),
        _ => false,
    };

    public static Perm Parse(string perm) => perm switch
    {
        "view" => Perm.View,
        "edit" => Perm.Edit,
        "full_access" => Perm.FullAccess,
        _ => Perm.None,
    };

    public static string Name(Perm perm) => perm switch
    {
        Perm.View => "view",
        Perm.Edit => "edit",
        Perm.FullAccess => "full_access",
        _ => "none",
    };

    private static Perm MembersPerm(EmulatorState state, List<DocMember> members, DocIdentity who)
    {
        var best = Perm.None;
        foreach (var member in members)
        {
            if (Matches(state, member.Kind, member.Key, who))
            {
                best = Max(best, Parse(member.Perm));
            }
        }

        return best;
    }

    private static Perm Max(Perm a, Perm b) => a >= b ? a : b;
}
