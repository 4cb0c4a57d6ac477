using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;

namespace Larkway.Emulator.DingTalk.State;

/// <summary>An internal (企业内部) app of the org; its robot's robotCode is its appKey.</summary>
internal sealed record DingTalkApp(string AppKey, string AppSecret, long AgentId, string Name)
{
    public string RobotCode => AppKey;
}

/// <summary>A person in the org as the contact APIs show them.</summary>
internal sealed record DingTalkUser(string UserId, string Name, string Mobile, string UnionId, string Title, string Email, IReadOnlyList<long> DeptIds);

/// <summary>A department; the root is 1 (DingTalk's documented root id), the others hang below it.</summary>
internal sealed record DingTalkDepartment(long DeptId, string Name, long? ParentId);

/// <summary>
/// The emulated DingTalk org: its corpId, the internal app from <see cref="EmulatorOptions"/> and a fixed directory
/// (the same four people as the default Feishu seed, with DingTalk-style userids and mobiles without +86).
/// Held in memory only: it is rebuilt from the options on every start.
/// </summary>
internal sealed class DingTalkOrg
{
    private readonly Dictionary<string, DingTalkApp> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DingTalkUser> _users = new(StringComparer.Ordinal);

    public DingTalkOrg(EmulatorOptions options)
    {
        CorpId = options.DingTalkCorpId;
        var app = new DingTalkApp(options.DingTalkAppKey, options.DingTalkAppSecret, options.DingTalkAgentId, "Larkway Dev App");
        _apps[app.AppKey] = app;
        foreach (var user in DefaultUsers())
        {
            _users[user.UserId] = user;
        }
    }

    public string CorpId { get; }

    public string Name => "Larkway Dev";

    public IReadOnlyCollection<DingTalkApp> Apps => _apps.Values;

    public IReadOnlyCollection<DingTalkUser> Users => _users.Values;

    public DingTalkApp? FindApp(string appKey) => _apps.GetValueOrDefault(appKey);

    public DingTalkUser? FindUser(string userId) => _users.GetValueOrDefault(userId);

    public DingTalkUser? FindUserByMobile(string mobile) => _users.Values.FirstOrDefault(u => u.Mobile == mobile);

    public DingTalkUser? FindUserByUnionId(string unionId) => _users.Values.FirstOrDefault(u => u.UnionId == unionId);

    /// <summary>Root 1 (the org, no direct members) with Engineering (2: alice, bob) and Sales (3: carol, dave) below.</summary>
    public IReadOnlyList<DingTalkDepartment> Departments { get; } =
    [
        new(1, "Larkway Dev", null),
        new(2, "Engineering", 1),
        new(3, "Sales", 1),
    ];

    /// <summary>The department and every department below it.</summary>
    public IReadOnlyList<long> DepartmentAndBelow(long deptId)
    {
        var found = new List<long> { deptId };
        for (var i = 0; i < found.Count; i++)
        {
            found.AddRange(Departments.Where(d => d.ParentId == found[i]).Select(d => d.DeptId));
        }

        return found;
    }

    public DingTalkDepartment? FindDepartment(long deptId) => Departments.FirstOrDefault(d => d.DeptId == deptId);

    /// <summary>The department's own members (not its sub-departments'), in a stable order (DingTalk's default is custom order).</summary>
    public IReadOnlyList<DingTalkUser> MembersOf(long deptId) =>
        [.. _users.Values.Where(u => u.DeptIds.Contains(deptId)).OrderBy(u => u.UserId, StringComparer.Ordinal)];

    private static IEnumerable<DingTalkUser> DefaultUsers()
    {
        (string Id, string Name, string Title, long Dept)[] people =
        [
            ("alice", "Alice Chen", "Engineering Manager", 2),
            ("bob", "Bob Li", "Engineer", 2),
            ("carol", "Carol Wang", "Sales Manager", 3),
            ("dave", "Dave Zhang", "Account Executive", 3),
        ];
        for (var i = 0; i < people.Length; i++)
        {
            var (id, name, title, dept) = people[i];

            // unionid: stable per userid so tests and docs can rely on it (real ones are opaque strings of similar length).
            yield return new DingTalkUser(id, name, "1380000000" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Ids.Stable(string.Empty, "dingtalk-union:" + id, 28), title, id + "@example.com", [dept]);
        }
    }
}
