using System.Globalization;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;

namespace Larkway.Emulator.DingTalk.State;

/// <summary>An internal (企业内部) app of the org; its robot's robotCode is its appKey.</summary>
internal sealed record DingTalkApp(string AppKey, string AppSecret, long AgentId, string Name)
{
    public string RobotCode => AppKey;
}

/// <summary>A person in the org as the contact APIs show them.</summary>
internal sealed record DingTalkUser(string UserId, string Name, string Mobile, string UnionId, string Title, string Email, IReadOnlyList<long> DeptIds)
{
    /// <summary>The job number (工号); empty when not set.</summary>
    public string JobNumber { get; init; } = "";

    /// <summary>The enterprise mailbox (企业邮箱); null when the org has none for them.</summary>
    public string? OrgEmail { get; init; }
}

/// <summary>A department; the root is 1 (DingTalk's documented root id), the others hang below it.</summary>
internal sealed record DingTalkDepartment(long DeptId, string Name, long? ParentId)
{
    /// <summary>The order among its siblings (smaller first).</summary>
    public long Order { get; init; }

    /// <summary>The department's managers (主管), by userid.</summary>
    public IReadOnlyList<string> ManagerUserIds { get; init; } = [];
}

/// <summary>
/// The emulated DingTalk org: its corpId, the internal app from <see cref="EmulatorOptions"/> and a directory (the same
/// four people as the default Feishu seed, with DingTalk-style userids and mobiles without +86, in departments below the
/// root 1), to which a large generated one can be added (<see cref="Generate"/>). Indexed for the contact reads: a
/// department's sub-departments and members, and a user by id, mobile or unionid, each without a scan of the org.
/// The app's contact scope (通讯录权限范围) is the whole org unless narrowed (<see cref="SetScope"/>).
/// Held in memory only: it is rebuilt from the options on every start.
/// </summary>
internal sealed class DingTalkOrg
{
    /// <summary>DingTalk's root department id.</summary>
    public const long RootId = 1;

    public const int MaxGeneratedUsers = 200_000;
    public const int MaxGeneratedDepartments = 20_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DingTalkApp> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DingTalkUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DingTalkUser> _byMobile = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DingTalkUser> _byUnionId = new(StringComparer.Ordinal);
    private readonly Dictionary<long, DingTalkDepartment> _departments = [];
    private readonly Dictionary<long, List<long>> _children = [];
    private readonly Dictionary<long, List<DingTalkUser>> _members = [];
    private HashSet<long> _authedDepartments = [RootId];
    private HashSet<string> _authedUsers = new(StringComparer.Ordinal);

    public DingTalkOrg(EmulatorOptions options)
    {
        CorpId = options.DingTalkCorpId;
        var app = new DingTalkApp(options.DingTalkAppKey, options.DingTalkAppSecret, options.DingTalkAgentId, "Larkway Dev App");
        _apps[app.AppKey] = app;
        AddDepartments(
        [
            new(RootId, "Larkway Dev", null),
            new(2, "Engineering", RootId) { Order = 1, ManagerUserIds = ["alice"] },
            new(3, "Sales", RootId) { Order = 2, ManagerUserIds = ["carol"] },
            new(4, "Platform", 2) { Order = 1 },
        ]);
        AddUsers(DefaultUsers());
    }

    public string CorpId { get; }

    public string Name => "Larkway Dev";

    public IReadOnlyCollection<DingTalkApp> Apps => _apps.Values;

    /// <summary>Everyone, in no particular order (a copy).</summary>
    public IReadOnlyCollection<DingTalkUser> Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _users.Values];
            }
        }
    }

    /// <summary>
    /// Root 1 (the org, no direct members) with Engineering (2: alice, bob; Platform 4 below it, empty) and Sales
    /// (3: carol, dave) below, plus any generated ones; by id (a copy).
    /// </summary>
    public IReadOnlyList<DingTalkDepartment> Departments
    {
        get
        {
            lock (_gate)
            {
                return [.. _departments.Values.OrderBy(d => d.DeptId)];
            }
        }
    }

    public DingTalkApp? FindApp(string appKey) => _apps.GetValueOrDefault(appKey);

    public DingTalkUser? FindUser(string userId)
    {
        lock (_gate)
        {
            return _users.GetValueOrDefault(userId);
        }
    }

    public DingTalkUser? FindUserByMobile(string mobile)
    {
        lock (_gate)
        {
            return _byMobile.GetValueOrDefault(mobile);
        }
    }

    public DingTalkUser? FindUserByUnionId(string unionId)
    {
        lock (_gate)
        {
            return _byUnionId.GetValueOrDefault(unionId);
        }
    }

    public DingTalkDepartment? FindDepartment(long deptId)
    {
        lock (_gate)
        {
            return _departments.GetValueOrDefault(deptId);
        }
    }

    /// <summary>The department's direct sub-departments, in their order (then by id).</summary>
    public IReadOnlyList<DingTalkDepartment> ChildrenOf(long deptId)
    {
        lock (_gate)
        {
            return _children.TryGetValue(deptId, out var ids)
                ? [.. ids.Select(id => _departments[id]).OrderBy(d => d.Order).ThenBy(d => d.DeptId)]
                : [];
        }
    }

    /// <summary>The department and every department below it.</summary>
    public IReadOnlyList<long> DepartmentAndBelow(long deptId)
    {
        lock (_gate)
        {
            var found = new List<long> { deptId };
            for (var i = 0; i < found.Count; i++)
            {
                if (_children.TryGetValue(found[i], out var ids))
                {
                    found.AddRange(ids);
                }
            }

            return found;
        }
    }

    /// <summary>The number of the department's own members (not its sub-departments').</summary>
    public int MemberCount(long deptId)
    {
        lock (_gate)
        {
            return _members.TryGetValue(deptId, out var list) ? list.Count : 0;
        }
    }

    /// <summary>The department's own members (not its sub-departments'), in a stable order (DingTalk's default is custom order).</summary>
    public IReadOnlyList<DingTalkUser> MembersOf(long deptId) => MembersOf(deptId, 0, int.MaxValue);

    /// <summary>A slice of the department's own members, from <paramref name="offset"/>: no copy of the whole department.</summary>
    public IReadOnlyList<DingTalkUser> MembersOf(long deptId, int offset, int count)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(deptId, out var list) || offset >= list.Count)
            {
                return [];
            }

            return list.GetRange(offset, Math.Min(count, list.Count - offset));
        }
    }

    /// <summary>
    /// Whether the app's contact scope covers the department: it, or a department above it, is granted (the whole org
    /// by default). Out of scope, DingTalk refuses department reads with 50004.
    /// </summary>
    public bool InScope(long deptId)
    {
        lock (_gate)
        {
            for (long? id = deptId; id is { } current; id = _departments.GetValueOrDefault(current)?.ParentId)
            {
                if (_authedDepartments.Contains(current))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The app's contact scope as <c>/auth/scopes</c> shows it: the granted departments and people.</summary>
    public (IReadOnlyList<long> Departments, IReadOnlyList<string> Users) Scope()
    {
        lock (_gate)
        {
            return ([.. _authedDepartments.Order()], [.. _authedUsers.Order(StringComparer.Ordinal)]);
        }
    }

    /// <summary>Narrows (or widens) the app's contact scope to these departments (with everything below) and people.</summary>
    public void SetScope(IEnumerable<long> departments, IEnumerable<string> users)
    {
        lock (_gate)
        {
            _authedDepartments = [.. departments];
            _authedUsers = new HashSet<string>(users, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Adds a large directory (the directory-sync benchmark): <paramref name="departments"/> departments — about √M below
    /// the root, the rest spread below those — and <paramref name="users"/> people dealt round-robin over them.
    /// Deterministic: the same counts and prefix give the same ids, names, mobiles and emails.
    /// </summary>
    public (int Users, int Departments) Generate(int users, int departments, string prefix)
    {
        if (users is < 0 or > MaxGeneratedUsers || departments is < 1 or > MaxGeneratedDepartments)
        {
            throw new ArgumentOutOfRangeException(nameof(users), $"users must be 0 to {MaxGeneratedUsers} and departments 1 to {MaxGeneratedDepartments}.");
        }

        if (prefix.Length is 0 or > 16 || !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException("prefix must be 1 to 16 lower-case letters or digits.", nameof(prefix));
        }

        lock (_gate)
        {
            if (_users.ContainsKey(prefix + "000001"))
            {
                throw new ArgumentException($"a directory with prefix '{prefix}' was generated already; choose another prefix.", nameof(prefix));
            }

            var first = _departments.Keys.Max() + 1;
            var firstLevel = Math.Max(1, (int)Math.Round(Math.Sqrt(departments)));
            var title = char.ToUpperInvariant(prefix[0]) + prefix[1..];
            var made = new List<DingTalkDepartment>(departments);
            for (var i = 0; i < departments; i++)
            {
                var parent = i < firstLevel ? RootId : made[(i - firstLevel) % firstLevel].DeptId;
                made.Add(new DingTalkDepartment(first + i, $"{title} Department {i + 1:D4}", parent) { Order = i + 1 });
            }

            AddDepartmentsLocked(made);
            var block = (Math.Abs(string.GetHashCode(prefix, StringComparison.Ordinal) % 900) + 100).ToString(CultureInfo.InvariantCulture);
            AddUsersLocked(Enumerable.Range(1, users).Select(j =>
            {
                var id = prefix + j.ToString("D6", CultureInfo.InvariantCulture);
                return new DingTalkUser(id, $"{title} User {j:D6}", "17" + block + j.ToString("D6", CultureInfo.InvariantCulture), Ids.Stable(string.Empty, "dingtalk-union:" + id, 28),
                    "Staff", $"{id}@{prefix}.example.com", [made[(j - 1) % departments].DeptId])
                {
                    JobNumber = prefix.ToUpperInvariant() + j.ToString("D6", CultureInfo.InvariantCulture),
                };
            }));
            return (users, departments);
        }
    }

    /// <summary>Adds a person, or replaces the one with that userid (their departments, mobile and unionid re-indexed); true when added.</summary>
    /// <exception cref="ArgumentException">A department of theirs is not in the org.</exception>
    public bool PutUser(DingTalkUser user)
    {
        lock (_gate)
        {
            if (user.DeptIds.FirstOrDefault(d => !_departments.ContainsKey(d)) is var unknown and not 0)
            {
                throw new ArgumentException($"department {unknown} is not in the org.", nameof(user));
            }

            var added = !RemoveUserLocked(user.UserId);
            AddUsersLocked([user]);
            return added;
        }
    }

    /// <summary>Removes a person from the org (DingTalk's 离职); false when there is none.</summary>
    public bool RemoveUser(string userId)
    {
        lock (_gate)
        {
            return RemoveUserLocked(userId);
        }
    }

    /// <summary>Adds a department, or changes the one with that dept_id (moved under its new parent); true when added.</summary>
    /// <exception cref="ArgumentException">Its parent is not in the org, or is the department itself or below it.</exception>
    public bool PutDepartment(DingTalkDepartment department)
    {
        lock (_gate)
        {
            if (department.DeptId == RootId || department.ParentId is not { } parent || !_departments.ContainsKey(parent))
            {
                throw new ArgumentException($"parentId must be a department of the org (the root is {RootId}).", nameof(department));
            }

            for (long? above = parent; above is { } id; above = _departments.GetValueOrDefault(id)?.ParentId)
            {
                if (id == department.DeptId)
                {
                    throw new ArgumentException("a department cannot move below itself.", nameof(department));
                }
            }

            var old = _departments.GetValueOrDefault(department.DeptId);
            if (old?.ParentId is { } oldParent)
            {
                _children[oldParent].Remove(department.DeptId);
            }

            AddDepartmentsLocked([department]);
            return old is null;
        }
    }

    /// <summary>Removes a department; null when done, else why not (DingTalk removes only an empty department).</summary>
    public string? RemoveDepartment(long deptId)
    {
        lock (_gate)
        {
            if (deptId == RootId || !_departments.TryGetValue(deptId, out var department))
            {
                return $"no department {deptId} to remove";
            }

            if (_children.GetValueOrDefault(deptId) is { Count: > 0 } || _members.GetValueOrDefault(deptId) is { Count: > 0 })
            {
                return $"department {deptId} still has sub-departments or members";
            }

            _departments.Remove(deptId);
            _children.Remove(deptId);
            _members.Remove(deptId);
            _children[department.ParentId!.Value].Remove(deptId);
            return null;
        }
    }

    private bool RemoveUserLocked(string userId)
    {
        if (!_users.Remove(userId, out var old))
        {
            return false;
        }

        if (_byMobile.GetValueOrDefault(old.Mobile)?.UserId == userId)
        {
            _byMobile.Remove(old.Mobile);
        }

        if (_byUnionId.GetValueOrDefault(old.UnionId)?.UserId == userId)
        {
            _byUnionId.Remove(old.UnionId);
        }

        foreach (var dept in old.DeptIds)
        {
            _members.GetValueOrDefault(dept)?.RemoveAll(u => u.UserId == userId);
        }

        return true;
    }

    private void AddDepartments(IEnumerable<DingTalkDepartment> departments)
    {
        lock (_gate)
        {
            AddDepartmentsLocked(departments);
        }
    }

    private void AddDepartmentsLocked(IEnumerable<DingTalkDepartment> departments)
    {
        foreach (var department in departments)
        {
            _departments[department.DeptId] = department;
            if (department.ParentId is { } parent)
            {
                if (!_children.TryGetValue(parent, out var siblings))
                {
                    _children[parent] = siblings = [];
                }

                siblings.Add(department.DeptId);
            }
        }
    }

    private void AddUsers(IEnumerable<DingTalkUser> users)
    {
        lock (_gate)
        {
            AddUsersLocked(users);
        }
    }

    private void AddUsersLocked(IEnumerable<DingTalkUser> users)
    {
        var touched = new HashSet<long>();
        foreach (var user in users)
        {
            _users[user.UserId] = user;
            _byMobile.TryAdd(user.Mobile, user);
            _byUnionId.TryAdd(user.UnionId, user);
            foreach (var dept in user.DeptIds)
            {
                if (!_members.TryGetValue(dept, out var list))
                {
                    _members[dept] = list = [];
                }

                list.Add(user);
                touched.Add(dept);
            }
        }

        foreach (var dept in touched)
        {
            _members[dept].Sort((a, b) => string.CompareOrdinal(a.UserId, b.UserId));
        }
    }

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
            yield return new DingTalkUser(id, name, "1380000000" + (i + 1).ToString(CultureInfo.InvariantCulture), Ids.Stable(string.Empty, "dingtalk-union:" + id, 28), title, id + "@example.com", [dept])
            {
                JobNumber = "LD" + (i + 1).ToString("D4", CultureInfo.InvariantCulture),
                OrgEmail = id + "@larkway-dev.example.com",
            };
        }
    }
}
