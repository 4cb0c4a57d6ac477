namespace Larkway.Emulator.State;

// The directory's indexes: users by each id, departments by department_id, children per parent and direct members per
// department (sorted, so a page is a range, not a scan of the tenant). Kept under the state's lock by PutUserLocked and
// PutDepartmentLocked; a directory of 10,000 users in 300 departments pages in O(page) per call.
public sealed partial class EmulatorState
{
    /// <summary>The parent id of a first-level department, and the "department" of users in no department.</summary>
    public const string RootDepartmentId = "0";

    private readonly Dictionary<string, string> _usersByUnion = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _usersByUserId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _usersByEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _usersByMobile = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _departmentsByCustomId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _childrenOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _membersOf = new(StringComparer.Ordinal);

    /// <summary>A department by open_department_id or (<paramref name="idType"/> department_id) its custom id; null for the root and unknown ids.</summary>
    public EmulatorDepartment? FindDepartment(string idType, string id)
    {
        lock (_gate)
        {
            return FindDepartmentLocked(idType, id);
        }
    }

    /// <summary>The direct sub-departments of a department ("0": the first level), by open_department_id.</summary>
    public IReadOnlyList<EmulatorDepartment> ChildDepartments(string openDepartmentId)
    {
        lock (_gate)
        {
            return _childrenOf.TryGetValue(openDepartmentId, out var children) ? [.. children.Select(id => _departments[id])] : [];
        }
    }

    /// <summary>Every department below one ("0": all), parents before their children, siblings by open_department_id.</summary>
    public IReadOnlyList<EmulatorDepartment> DescendantDepartments(string openDepartmentId)
    {
        lock (_gate)
        {
            var result = new List<EmulatorDepartment>();
            var level = new List<string> { openDepartmentId };
            while (level.Count > 0)
            {
                var next = new List<string>();
                foreach (var parent in level)
                {
                    if (_childrenOf.TryGetValue(parent, out var children))
                    {
                        next.AddRange(children);
                    }
                }

                result.AddRange(next.Select(id => _departments[id]));
                level = next;
            }

            return result;
        }
    }

    /// <summary>The ancestors of a department, nearest first, up to (not including) the root.</summary>
    public IReadOnlyList<EmulatorDepartment> AncestorDepartments(string openDepartmentId)
    {
        lock (_gate)
        {
            return AncestorsLocked(openDepartmentId);
        }
    }

    /// <summary>The direct members of a department ("0": users in no department), resigned ones included, by home open_id.</summary>
    public IReadOnlyList<EmulatorUser> DepartmentMembers(string openDepartmentId)
    {
        lock (_gate)
        {
            return _membersOf.TryGetValue(openDepartmentId, out var members) ? [.. members.Select(id => _users[id])] : [];
        }
    }

    /// <summary>How many users (not resigned) are in a department or any department below it.</summary>
    public int MemberCount(string openDepartmentId)
    {
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>([openDepartmentId]);
            while (stack.TryPop(out var id))
            {
                if (_membersOf.TryGetValue(id, out var members))
                {
                    seen.UnionWith(members.Where(m => !_users[m].IsResigned));
                }

                if (_childrenOf.TryGetValue(id, out var children))
                {
                    foreach (var child in children)
                    {
                        stack.Push(child);
                    }
                }
            }

            return seen.Count;
        }
    }

    /// <summary>Whether the department (or one above it) is in the app's contact scope; the root only with all members.</summary>
    public bool InContactScope(EmulatorApp app, EmulatorDepartment department)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(department);
        if (app.ContactScope is not { AllMembers: false } scope)
        {
            return true;
        }

        lock (_gate)
        {
            return DepartmentInScopeLocked(scope, department);
        }
    }

    /// <summary>Whether a user is in the app's contact scope: listed, or in a department of the scope (at any depth).</summary>
    public bool InContactScope(EmulatorApp app, EmulatorUser user)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(user);
        if (app.ContactScope is not { AllMembers: false } scope)
        {
            return true;
        }

        lock (_gate)
        {
            return scope.UserIds.Contains(user.OpenId, StringComparer.Ordinal) || user.DepartmentIds.Any(d => DepartmentInScopeLocked(scope, d));
        }
    }

    private bool DepartmentInScopeLocked(ContactScope scope, string openDepartmentId) =>
        _departments.TryGetValue(openDepartmentId, out var department) && DepartmentInScopeLocked(scope, department);

    /// <summary>Listed, or below a listed department; works for a department already deleted (its parent chain remains).</summary>
    private bool DepartmentInScopeLocked(ContactScope scope, EmulatorDepartment department) =>
        scope.DepartmentIds.Contains(department.OpenDepartmentId, StringComparer.Ordinal)
        || AncestorsFromLocked(department.ParentDepartmentId, department.OpenDepartmentId).Any(a => scope.DepartmentIds.Contains(a.OpenDepartmentId, StringComparer.Ordinal));

    private List<EmulatorDepartment> AncestorsLocked(string openDepartmentId) =>
        _departments.TryGetValue(openDepartmentId, out var department) ? AncestorsFromLocked(department.ParentDepartmentId, openDepartmentId) : [];

    /// <summary>The parent and its ancestors, nearest first; a cycle (a broken seed) ends the walk.</summary>
    private List<EmulatorDepartment> AncestorsFromLocked(string parentOpenDepartmentId, string start)
    {
        var result = new List<EmulatorDepartment>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var next = parentOpenDepartmentId;
        while (next != RootDepartmentId && _departments.TryGetValue(next, out var parent) && seen.Add(parent.OpenDepartmentId))
        {
            result.Add(parent);
            next = parent.ParentDepartmentId;
        }

        return result;
    }

    private EmulatorDepartment? FindDepartmentLocked(string idType, string id) =>
        idType == "department_id"
            ? _departmentsByCustomId.TryGetValue(id, out var open) ? _departments[open] : null
            : _departments.GetValueOrDefault(id);

    private EmulatorUser? FindUserLocked(string idType, string id)
    {
        var home = idType switch
        {
            "open_id" => id,
            "union_id" => _usersByUnion.GetValueOrDefault(id),
            "user_id" => _usersByUserId.GetValueOrDefault(id),
            "email" => _usersByEmail.GetValueOrDefault(id),
            "mobile" => MobileNumbers.Normalize(id) is { } mobile ? _usersByMobile.GetValueOrDefault(mobile) : null,
            _ => null,
        };
        return home is null ? null : _users.GetValueOrDefault(home);
    }

    /// <summary>Stores a user and moves its index entries (an update may change user_id, email, mobile or departments).</summary>
    private void PutUserLocked(EmulatorUser user)
    {
        if (_users.TryGetValue(user.OpenId, out var before))
        {
            RemoveIndex(_usersByUnion, before.UnionId, before.OpenId);
            RemoveIndex(_usersByUserId, before.UserId, before.OpenId);
            RemoveIndex(_usersByEmail, before.Email, before.OpenId);
            RemoveIndex(_usersByMobile, before.Mobile, before.OpenId);
            foreach (var department in DepartmentsOrRoot(before))
            {
                RemoveFromSet(_membersOf, department, before.OpenId);
            }
        }

        _users[user.OpenId] = user;
        _usersByUnion[user.UnionId] = user.OpenId;
        _usersByUserId[user.UserId] = user.OpenId;
        if (user.Email is { Length: > 0 } email)
        {
            _usersByEmail[email] = user.OpenId;
        }

        if (user.Mobile is { } mobile)
        {
            _usersByMobile[mobile] = user.OpenId;
        }

        foreach (var department in DepartmentsOrRoot(user))
        {
            AddToSet(_membersOf, department, user.OpenId);
        }

        AddToForeignIds(user);
    }

    /// <summary>Stores a department with its parent as an open_department_id (a seed may give the parent's department_id).</summary>
    private EmulatorDepartment PutDepartmentLocked(EmulatorDepartment department)
    {
        var parent = department.ParentDepartmentId is RootDepartmentId or "" ? RootDepartmentId
            : _departments.ContainsKey(department.ParentDepartmentId) ? department.ParentDepartmentId
            : _departmentsByCustomId.GetValueOrDefault(department.ParentDepartmentId) ?? department.ParentDepartmentId;
        var stored = department with { ParentDepartmentId = parent };
        if (_departments.TryGetValue(stored.OpenDepartmentId, out var before))
        {
            RemoveIndex(_departmentsByCustomId, before.DepartmentId, before.OpenDepartmentId);
            RemoveFromSet(_childrenOf, before.ParentDepartmentId, before.OpenDepartmentId);
        }

        _departments[stored.OpenDepartmentId] = stored;
        _departmentsByCustomId[stored.DepartmentId] = stored.OpenDepartmentId;
        AddToSet(_childrenOf, stored.ParentDepartmentId, stored.OpenDepartmentId);
        return stored;
    }

    private void RemoveDepartmentLocked(EmulatorDepartment department)
    {
        _departments.Remove(department.OpenDepartmentId);
        RemoveIndex(_departmentsByCustomId, department.DepartmentId, department.OpenDepartmentId);
        RemoveFromSet(_childrenOf, department.ParentDepartmentId, department.OpenDepartmentId);
    }

    private static IEnumerable<string> DepartmentsOrRoot(EmulatorUser user) => user.DepartmentIds.Count == 0 ? [RootDepartmentId] : user.DepartmentIds;

    private static void RemoveIndex(Dictionary<string, string> index, string? key, string openId)
    {
        if (key is not null && index.TryGetValue(key, out var holder) && holder == openId)
        {
            index.Remove(key);
        }
    }

    private static void AddToSet(Dictionary<string, SortedSet<string>> sets, string key, string value)
    {
        if (!sets.TryGetValue(key, out var set))
        {
            sets[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        }

        set.Add(value);
    }

    private static void RemoveFromSet(Dictionary<string, SortedSet<string>> sets, string key, string value)
    {
        if (sets.TryGetValue(key, out var set) && set.Remove(value) && set.Count == 0)
        {
            sets.Remove(key);
        }
    }
}
