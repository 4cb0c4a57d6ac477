using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.WeCom.State;

/// <summary>The corp's self-built app (自建应用): its AgentId, secret and callback Token / EncodingAESKey.</summary>
internal sealed record WeComApp(long AgentId, string Secret, string Name, string CallbackToken, string EncodingAesKey);

/// <summary>A member as the contact APIs show them (WeCom lower-cases userids in answers; these are lower-case already).</summary>
internal sealed record WeComUser(string UserId, string Name, string Mobile, string Email, string Position, IReadOnlyList<long> Departments, long MainDepartment, int Gender);

/// <summary>A department; the root is 1, the others hang below it.</summary>
internal sealed record WeComDepartment(long Id, string Name, long ParentId, int Order);

/// <summary>A tag (标签) with its members, for <c>totag</c>.</summary>
internal sealed record WeComTag(long TagId, string Name, IReadOnlyList<string> UserIds);

/// <summary>A group with a group robot (消息推送) in it: the key its webhook takes and the members who see it.</summary>
internal sealed record WeComRobotGroup(string Key, string ChatName, string RobotName, IReadOnlyList<string> Members);

/// <summary>
/// The emulated WeCom corp: its corpid, the self-built app from <see cref="EmulatorOptions"/>, a fixed directory (the same
/// four people as the DingTalk org and the default Feishu seed), one tag and one group with a robot. Rebuilt from the
/// options on every start (what happened in it — messages, media, callbacks — is in the state file).
/// </summary>
internal sealed class WeComOrg
{
    private readonly Dictionary<string, WeComUser> _users = new(StringComparer.OrdinalIgnoreCase);

    public WeComOrg(EmulatorOptions options)
    {
        CorpId = options.WeComCorpId;
        App = new WeComApp(options.WeComAgentId, options.WeComAppSecret, "Larkway Dev App", options.WeComCallbackToken, options.WeComEncodingAesKey);
        foreach (var user in DefaultUsers())
        {
            _users[user.UserId] = user;
        }

        RobotGroups = [new WeComRobotGroup(options.WeComRobotKey, "Larkway Dev", "Larkway Robot", [.. _users.Keys.Order(StringComparer.Ordinal)])];
    }

    public string CorpId { get; }

    public string Name => "Larkway Dev";

    /// <summary>The corp's one self-built app.</summary>
    public WeComApp App { get; }

    public IReadOnlyCollection<WeComUser> Users => _users.Values;

    /// <summary>Root 1 (the corp) with Engineering (2: alice, bob) and Sales (3: carol, dave) below.</summary>
    public IReadOnlyList<WeComDepartment> Departments { get; } =
    [
        new(1, "Larkway Dev", 0, 100000000),
        new(2, "Engineering", 1, 99999000),
        new(3, "Sales", 1, 99998000),
    ];

    /// <summary>Tag 1 "Managers": alice and carol.</summary>
    public IReadOnlyList<WeComTag> Tags { get; } = [new(1, "Managers", ["alice", "carol"])];

    public IReadOnlyList<WeComRobotGroup> RobotGroups { get; }

    public WeComUser? FindUser(string userId) => _users.GetValueOrDefault(userId);

    public WeComUser? FindUserByMobile(string mobile) => _users.Values.FirstOrDefault(u => u.Mobile == mobile);

    public WeComUser? FindUserByEmail(string email) => _users.Values.FirstOrDefault(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase));

    public WeComDepartment? FindDepartment(long id) => Departments.FirstOrDefault(d => d.Id == id);

    public WeComTag? FindTag(long id) => Tags.FirstOrDefault(t => t.TagId == id);

    public WeComRobotGroup? FindRobotGroup(string key) => RobotGroups.FirstOrDefault(g => g.Key == key);

    /// <summary>The department and every department below it.</summary>
    public IReadOnlyList<long> DepartmentAndBelow(long id)
    {
        var found = new List<long> { id };
        for (var i = 0; i < found.Count; i++)
        {
            found.AddRange(Departments.Where(d => d.ParentId == found[i]).Select(d => d.Id));
        }

        return found;
    }

    /// <summary>Members of the department (and of those below it when <paramref name="recursive"/>), by userid.</summary>
    public IReadOnlyList<WeComUser> MembersOf(long id, bool recursive)
    {
        var departments = recursive ? DepartmentAndBelow(id) : [id];
        return [.. _users.Values.Where(u => u.Departments.Any(departments.Contains)).OrderBy(u => u.UserId, StringComparer.Ordinal)];
    }

    private static IEnumerable<WeComUser> DefaultUsers()
    {
        (string Id, string Name, string Position, long Dept, int Gender)[] people =
        [
            ("alice", "Alice Chen", "Engineering Manager", 2, 2),
            ("bob", "Bob Li", "Engineer", 2, 1),
            ("carol", "Carol Wang", "Sales Manager", 3, 2),
            ("dave", "Dave Zhang", "Account Executive", 3, 1),
        ];
        for (var i = 0; i < people.Length; i++)
        {
            var (id, name, position, dept, gender) = people[i];
            yield return new WeComUser(id, name, "1380000000" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), id + "@example.com", position, [dept], dept, gender);
        }
    }
}
