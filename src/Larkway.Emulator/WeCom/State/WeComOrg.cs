using System.Globalization;
using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.WeCom.State;

/// <summary>The corp's self-built app (自建应用): its AgentId, secret and callback Token / EncodingAESKey.</summary>
internal sealed record WeComApp(long AgentId, string Secret, string Name, string CallbackToken, string EncodingAesKey);

/// <summary>A member as the contact APIs show them (WeCom lower-cases userids in answers; these are lower-case already).</summary>
/// <remarks><see cref="Status"/> is WeCom's 激活状态: 1 active, 2 disabled, 4 not yet activated, 5 left the corp.</remarks>
internal sealed record WeComUser(string UserId, string Name, string Mobile, string Email, string Position, IReadOnlyList<long> Departments, long MainDepartment, int Gender)
{
    public int Status { get; init; } = 1;

    /// <summary>The departments (of <see cref="Departments"/>) the member leads.</summary>
    public IReadOnlyList<long> Leads { get; init; } = [];
}

/// <summary>A department; the root is 1 (the corp itself, parent 0), the others hang below it.</summary>
internal sealed record WeComDepartment(long Id, string Name, long ParentId, long Order)
{
    public string? NameEn { get; init; }

    /// <summary>The leaders' userids (department_leader).</summary>
    public IReadOnlyList<string> Leaders { get; init; } = [];
}

/// <summary>A tag (标签) with its members, for <c>totag</c>.</summary>
internal sealed record WeComTag(long TagId, string Name, IReadOnlyList<string> UserIds);

/// <summary>A group with a group robot (消息推送) in it: the key its webhook takes and the members who see it.</summary>
internal sealed record WeComRobotGroup(string Key, string ChatName, string RobotName, IReadOnlyList<string> Members);

/// <summary>
/// The emulated WeCom corp: its corpid, the self-built app from <see cref="EmulatorOptions"/>, a directory (the same four
/// people as the DingTalk org and the default Feishu seed, and what <see cref="Generate"/> adds), one tag and one group
/// with a robot. Rebuilt from the options on every start (what happened in it — messages, media, callbacks — is in the
/// state file). Indexed for the contact reads: a department's children and direct members are found without a scan, so
/// a corp of 100,000 members answers each read in time proportional to what it returns. Thread-safe.
/// </summary>
internal sealed class WeComOrg
{
    /// <summary>The root department's id (the corp).</summary>
    public const long RootId = 1;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, WeComUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, WeComDepartment> _departments = [];
    private readonly Dictionary<long, List<long>> _children = [];
    private readonly Dictionary<long, SortedSet<string>> _members = [];
    private IReadOnlyList<long> _visibleParties = [RootId];
    private IReadOnlyList<string> _visibleUsers = [];

    public WeComOrg(EmulatorOptions options)
    {
        CorpId = options.WeComCorpId;
        App = new WeComApp(options.WeComAgentId, options.WeComAppSecret, "Larkway Dev App", options.WeComCallbackToken, options.WeComEncodingAesKey);
        foreach (var department in DefaultDepartments())
        {
            AddDepartment(department);
        }

        foreach (var user in DefaultUsers())
        {
            AddUser(user);
        }

        RobotGroups = [new WeComRobotGroup(options.WeComRobotKey, "Larkway Dev", "Larkway Robot", [.. DefaultUsers().Select(u => u.UserId).Order(StringComparer.Ordinal)])];
    }

    public string CorpId { get; }

    public string Name => "Larkway Dev";

    /// <summary>The corp's one self-built app.</summary>
    public WeComApp App { get; }

    /// <summary>Every member (a copy).</summary>
    public IReadOnlyCollection<WeComUser> Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _users.Values];
            }
        }
    }

    /// <summary>Every department (a copy): the root 1 with Engineering (2: alice, bob) and Sales (3: carol, dave) below, and any generated.</summary>
    public IReadOnlyList<WeComDepartment> Departments
    {
        get
        {
            lock (_gate)
            {
                return [.. _departments.Values.OrderBy(d => d.Id)];
            }
        }
    }

    /// <summary>Tag 1 "Managers": alice and carol.</summary>
    public IReadOnlyList<WeComTag> Tags { get; } = [new(1, "Managers", ["alice", "carol"])];

    public IReadOnlyList<WeComRobotGroup> RobotGroups { get; }

    /// <summary>
    /// Whether the app is one created after 2022-06-20 (WeCom: such apps no longer get avatar, gender, mobile, email,
    /// biz_mail, QR code or address from user/get and user/list without the member's own OAuth consent): those fields are
    /// left out of the answers. False by default (an older app that reads them).
    /// </summary>
    public bool WithholdsSensitiveFields { get; set; }

    /// <summary>The app's visible range (可见范围): departments (with everything below them) and members; the root by default.</summary>
    public (IReadOnlyList<long> Parties, IReadOnlyList<string> Users) VisibleRange
    {
        get
        {
            lock (_gate)
            {
                return (_visibleParties, _visibleUsers);
            }
        }
    }

    public WeComUser? FindUser(string userId)
    {
        lock (_gate)
        {
            return _users.GetValueOrDefault(userId);
        }
    }

    public WeComUser? FindUserByMobile(string mobile) => Users.FirstOrDefault(u => u.Mobile == mobile);

    public WeComUser? FindUserByEmail(string email) => Users.FirstOrDefault(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase));

    public WeComDepartment? FindDepartment(long id)
    {
        lock (_gate)
        {
            return _departments.GetValueOrDefault(id);
        }
    }

    public WeComTag? FindTag(long id) => Tags.FirstOrDefault(t => t.TagId == id);

    public WeComRobotGroup? FindRobotGroup(string key) => RobotGroups.FirstOrDefault(g => g.Key == key);

    /// <summary>
    /// The department and every department below it, parents before their children and siblings by <c>order</c>, larger
    /// first (WeCom: "order值大的排序靠前"); empty for an unknown department.
    /// </summary>
    public IReadOnlyList<WeComDepartment> DepartmentTree(long id)
    {
        lock (_gate)
        {
            var found = new List<WeComDepartment>();
            if (!_departments.TryGetValue(id, out var top))
            {
                return found;
            }

            var stack = new Stack<WeComDepartment>([top]);
            while (stack.TryPop(out var next))
            {
                found.Add(next);
                foreach (var child in Children(next.Id).OrderBy(c => c.Order).ThenByDescending(c => c.Id))
                {
                    stack.Push(child);
                }
            }

            return found;
        }
    }

    /// <summary>The department and every department below it.</summary>
    public IReadOnlyList<long> DepartmentAndBelow(long id) => [.. DepartmentTree(id).Select(d => d.Id)];

    /// <summary>Members of the department (and of those below it when <paramref name="recursive"/>), by userid.</summary>
    public IReadOnlyList<WeComUser> MembersOf(long id, bool recursive)
    {
        var departments = recursive ? DepartmentAndBelow(id) : [id];
        lock (_gate)
        {
            return [.. departments.SelectMany(d => _members.GetValueOrDefault(d) ?? [])
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(u => _users[u])];
        }
    }

    /// <summary>Whether the app's visible range covers the department (it, or a department above it, is in the range).</summary>
    public bool IsVisible(long department)
    {
        lock (_gate)
        {
            for (var at = department; at != 0 && _departments.TryGetValue(at, out var d); at = d.ParentId)
            {
                if (_visibleParties.Contains(at))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Sets the app's visible range.</summary>
    public void SetVisibleRange(IReadOnlyList<long> parties, IReadOnlyList<string> users)
    {
        lock (_gate)
        {
            (_visibleParties, _visibleUsers) = ([.. parties], [.. users]);
        }
    }

    /// <summary>Sets a member's 激活状态 (1, 2, 4 or 5); false when there is no such member.</summary>
    public bool SetStatus(string userId, int status)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var user))
            {
                return false;
            }

            _users[user.UserId] = user with { Status = status };
            return true;
        }
    }

    /// <summary>
    /// Adds <paramref name="departments"/> departments and <paramref name="users"/> members (the directory benchmark: up to
    /// 100,000 members). Deterministic: about √M first-level departments under the root, the rest spread below them, and
    /// members dealt round-robin over the new departments; ids follow the largest there is.
    /// </summary>
    public (int Users, int Departments) Generate(int users, int departments)
    {
        lock (_gate)
        {
            var firstId = _departments.Keys.Max() + 1;
            var firstLevel = Math.Max(1, (int)Math.Round(Math.Sqrt(departments)));
            var made = new List<long>(departments);
            for (var i = 0; i < departments; i++)
            {
                var id = firstId + i;
                var parent = i < firstLevel ? RootId : made[(i - firstLevel) % firstLevel];
                AddDepartment(new WeComDepartment(id, string.Create(CultureInfo.InvariantCulture, $"Department {id:D5}"), parent, 100_000_000 - i)
                {
                    NameEn = string.Create(CultureInfo.InvariantCulture, $"Dept {id:D5}"),
                });
                made.Add(id);
            }

            var start = _users.Count;
            for (var j = 1; j <= users; j++)
            {
                var n = start + j;
                var id = string.Create(CultureInfo.InvariantCulture, $"u{n:D6}");
                var department = made[(j - 1) % made.Count];
                AddUser(new WeComUser(id, string.Create(CultureInfo.InvariantCulture, $"User {n:D6}"), string.Create(CultureInfo.InvariantCulture, $"139{n:D8}"), id + "@gen.example.com", "Staff", [department], department, 1 + (n % 2)));
            }

            return (users, departments);
        }
    }

    /// <summary>Adds a member, or replaces the one with that userid; returns the one replaced (null when added).</summary>
    /// <exception cref="ArgumentException">A department of theirs is not in the corp.</exception>
    public WeComUser? PutUser(WeComUser user)
    {
        lock (_gate)
        {
            if (user.Departments.FirstOrDefault(d => !_departments.ContainsKey(d)) is var unknown and not 0)
            {
                throw new ArgumentException($"department {unknown} is not in the corp.", nameof(user));
            }

            var old = RemoveUserLocked(user.UserId);
            AddUser(user);
            return old;
        }
    }

    /// <summary>Deletes a member; returns them, or null when there is none.</summary>
    public WeComUser? RemoveUser(string userId)
    {
        lock (_gate)
        {
            return RemoveUserLocked(userId);
        }
    }

    /// <summary>Adds a department, or changes the one with that id (moved under its new parent); returns the one replaced (null when added).</summary>
    /// <exception cref="ArgumentException">Its parent is not in the corp, or is the department itself or below it.</exception>
    public WeComDepartment? PutDepartment(WeComDepartment department)
    {
        lock (_gate)
        {
            if (department.Id == RootId || !_departments.ContainsKey(department.ParentId))
            {
                throw new ArgumentException($"parentid must be a department of the corp (the root is {RootId}).", nameof(department));
            }

            for (var above = department.ParentId; above != 0; above = _departments.GetValueOrDefault(above)?.ParentId ?? 0)
            {
                if (above == department.Id)
                {
                    throw new ArgumentException("a department cannot move below itself.", nameof(department));
                }
            }

            var old = _departments.GetValueOrDefault(department.Id);
            if (old is not null)
            {
                _children.GetValueOrDefault(old.ParentId)?.Remove(department.Id);
            }

            AddDepartment(department);
            return old;
        }
    }

    /// <summary>Deletes a department; null when done, else why not (WeCom deletes only a department without sub-departments or members).</summary>
    public string? RemoveDepartment(long id)
    {
        lock (_gate)
        {
            if (id == RootId || !_departments.TryGetValue(id, out var department))
            {
                return $"no department {id} to delete";
            }

            if (_children.GetValueOrDefault(id) is { Count: > 0 } || _members.GetValueOrDefault(id) is { Count: > 0 })
            {
                return $"department {id} still has sub-departments or members";
            }

            _departments.Remove(id);
            _children.Remove(id);
            _members.Remove(id);
            _children.GetValueOrDefault(department.ParentId)?.Remove(id);
            return null;
        }
    }

    private WeComUser? RemoveUserLocked(string userId)
    {
        if (!_users.Remove(userId, out var old))
        {
            return null;
        }

        foreach (var department in old.Departments)
        {
            _members.GetValueOrDefault(department)?.Remove(old.UserId);
        }

        return old;
    }

    private IEnumerable<WeComDepartment> Children(long id) => (_children.GetValueOrDefault(id) ?? []).Select(c => _departments[c]);

    private void AddDepartment(WeComDepartment department)
    {
        _departments[department.Id] = department;
        if (department.ParentId != 0)
        {
            (_children.TryGetValue(department.ParentId, out var list) ? list : _children[department.ParentId] = []).Add(department.Id);
        }
    }

    private void AddUser(WeComUser user)
    {
        _users[user.UserId] = user;
        foreach (var department in user.Departments)
        {
            (_members.TryGetValue(department, out var set) ? set : _members[department] = new SortedSet<string>(StringComparer.Ordinal)).Add(user.UserId);
        }
    }

    private static IEnumerable<WeComDepartment> DefaultDepartments() =>
    [
        new(RootId, "Larkway Dev", 0, 100000000) { NameEn = "Larkway Dev" },
        new(2, "Engineering", RootId, 99999000) { NameEn = "Engineering", Leaders = ["alice"] },
        new(3, "Sales", RootId, 99998000) { NameEn = "Sales", Leaders = ["carol"] },
    ];

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
            yield return new WeComUser(id, name, "1380000000" + (i + 1).ToString(CultureInfo.InvariantCulture), id + "@example.com", position, [dept], dept, gender)
            {
                Leads = position.EndsWith("Manager", StringComparison.Ordinal) ? [dept] : [],
            };
        }
    }
}
