namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// The three platforms are equals: a platform's types are named in its platform's room (src/Larkway.Hub/Feishu, DingTalk,
/// WeCom); the shared rooms ask the seams. A platform's type is a type of its client libraries (Larkway.Feishu*,
/// Larkway.DingTalk*, Larkway.WeCom*) or a Hub type declared in its room. What a file names is read from the compiled Hub
/// (<see cref="RoomReferences"/>: base types, interfaces, fields, attributes, signatures and method bodies, each reference
/// placed in the source file that makes it), so a qualified name or a name inside a lambda counts, a comment does not.
/// <para>DingTalk and WeCom: no file outside the platform rooms names one but those listed in
/// <see cref="AllowedDingTalkOrWeCom"/>.</para>
/// <para>Feishu: the files of the shared rooms that still name a Feishu type are listed in <see cref="AllowedFeishu"/>,
/// each with why. Not checked: the composition root (the files at the top of src/Larkway.Hub, which wire every room) and
/// the room that is Feishu's by nature — BitableSync (a sync with Feishu's Bitable product). Approvals speaks to every
/// platform through IApprovalPlatform and is checked like any shared room.
/// Identity and Directory are shared: sign-in asks each platform's leg (ISignInLeg, supplied by its room), and the directory reads a platform's
/// contacts through its seams (IDirectorySource, IDirectoryEvents: Feishu's room supplies them today); both already carry
/// other platforms (the directory's people link to every platform's accounts).</para>
/// Both lists only shrink: a listed file that no longer names one fails until its entry is removed.
/// </summary>
public sealed class PlatformNameTests
{
    private static readonly string[] PlatformRooms = ["Feishu", "DingTalk", "WeCom"];

    /// <summary>Rooms that are Feishu's by nature, not checked for Feishu types (see the class's comment).</summary>
    private static readonly string[] FeishuRooms = ["BitableSync"];

    /// <summary>Files outside the platform rooms that still name a DingTalk or WeCom type, with why.</summary>
    private static readonly Dictionary<string, string> AllowedDingTalkOrWeCom = new(StringComparer.Ordinal)
    {
        ["HubApp.cs"] = "the composition root adds each platform's room (AddHubDingTalk, AddHubWeCom, AddHubWeComAiBot): wiring every room is its job",
    };

    /// <summary>Files of the shared rooms that still name a Feishu type, with why.</summary>
    private static readonly Dictionary<string, string> AllowedFeishu = new(StringComparer.Ordinal)
    {
        ["Alerts/AlertNotifier.cs"] = "checks the alert's card with Feishu's CardValidator before sending: notification cards are Feishu's card JSON",
        ["Notifications/Actions/NotificationTypeActions.cs"] = "renders and checks a type's after-card with Feishu's CardTemplate and CardValidator: notification cards are Feishu's card JSON",
        ["Notifications/NotificationRequest.cs"] = "checks a notification's card with Feishu's CardValidator: cards are Feishu's card JSON",
        ["Notifications/Types/NotificationTypeDefinition.cs"] = "checks a type's card template with Feishu's CardValidator",
    };

    private static readonly Lazy<Dictionary<string, Dictionary<string, SortedSet<string>>>> Named = new(Naming);

    [Fact]
    public void Only_the_platform_rooms_name_DingTalk_or_WeCom_types()
    {
        var named = Named.Value
            .Select(f => (File: f.Key, Types: f.Value.Where(p => p.Key is "DingTalk" or "WeCom").SelectMany(p => p.Value).ToList()))
            .Where(f => f.Types.Count > 0 && !AllowedDingTalkOrWeCom.ContainsKey(f.File))
            .Select(f => $"{f.File}: {string.Join(", ", f.Types)}")
            .ToList();
        named.ShouldBeEmpty("give the per-platform fact to the platform's room through a seam (an interface or record the room registers) instead of naming its type here");
    }

    [Fact]
    public void Every_file_listed_for_DingTalk_or_WeCom_still_names_one()
    {
        AllowedDingTalkOrWeCom.Keys
            .Where(f => !Named.Value.TryGetValue(f, out var platforms) || !platforms.Keys.Any(p => p is "DingTalk" or "WeCom"))
            .ToList()
            .ShouldBeEmpty("these files no longer name a DingTalk or WeCom type: remove them from the list");
    }

    [Fact]
    public void Shared_rooms_name_Feishu_types_only_in_the_listed_files()
    {
        var named = NamingFeishu()
            .Where(f => !AllowedFeishu.ContainsKey(f.Key))
            .Select(f => $"{f.Key}: {string.Join(", ", f.Value)}")
            .ToList();
        named.ShouldBeEmpty("a shared room asks the seams (Apps/HubPlatforms, the rooms' contracts); put the Feishu part in Feishu's room, or if it must stay, list the file with why");
    }

    [Fact]
    public void Every_file_listed_for_Feishu_still_names_one()
    {
        var naming = NamingFeishu();
        AllowedFeishu.Keys.Where(f => !naming.ContainsKey(f)).ToList()
            .ShouldBeEmpty("these files no longer name a Feishu type (or are no longer in a shared room): remove them from the list");
    }

    /// <summary>The files of the shared rooms that name a Feishu type, with the types.</summary>
    private static Dictionary<string, SortedSet<string>> NamingFeishu() => Named.Value
        .Where(f => HubSources.RoomOf(f.Key) is var room && room != HubSources.Root && !FeishuRooms.Contains(room))
        .Where(f => f.Value.ContainsKey("Feishu"))
        .ToDictionary(f => f.Key, f => f.Value["Feishu"], StringComparer.Ordinal);

    /// <summary>Each file outside the platform rooms that names a platform's type: platform → the types' names.</summary>
    private static Dictionary<string, Dictionary<string, SortedSet<string>>> Naming()
    {
        var sources = HubSources.Hub.Value;
        var found = new Dictionary<string, Dictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var reference in RoomReferences.All.Value)
        {
            if (PlatformRooms.Contains(HubSources.RoomOf(reference.File)) || PlatformOf(reference.To, sources) is not { } platform)
            {
                continue;
            }

            if (!found.TryGetValue(reference.File, out var platforms))
            {
                found[reference.File] = platforms = new(StringComparer.Ordinal);
            }

            if (!platforms.TryGetValue(platform, out var names))
            {
                platforms[platform] = names = new(StringComparer.Ordinal);
            }

            names.Add(RoomReferences.NameOf(reference.To));
        }

        return found;
    }

    /// <summary>The platform a type is of: its client library's, or the room's that declares it; null for any other type.</summary>
    private static string? PlatformOf(Type type, HubSources sources)
    {
        var assembly = type.Assembly.GetName().Name!;
        if (PlatformRooms.FirstOrDefault(p => assembly.StartsWith("Larkway." + p, StringComparison.Ordinal)) is { } library)
        {
            return library;
        }

        return type.Assembly == sources.Assembly ? sources.RoomsOf(type).FirstOrDefault(PlatformRooms.Contains) : null;
    }
}
