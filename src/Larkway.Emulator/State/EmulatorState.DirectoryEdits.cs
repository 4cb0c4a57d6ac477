namespace Larkway.Emulator.State;

// Editing the directory as an administrator would (the control API and the directory page): each edit is one change under
// the lock and then one StateChange, which the event machinery turns into contact.* events for the apps that may see it.
public sealed partial class EmulatorState
{
    /// <summary>Adds a user (a new hire); raises <see cref="ContactUserChange"/> (created).</summary>
    public EmulatorUser CreateUser(EmulatorUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            if (_users.ContainsKey(user.OpenId))
            {
                throw new ArgumentException($"A user with open_id '{user.OpenId}' exists already.", nameof(user));
            }

            PutUserLocked(user);
            Revision.Advance();
        }

        Changed?.Invoke(new ContactUserChange(null, user));
        return user;
    }

    /// <summary>Replaces a user through <paramref name="change"/> (which may throw to refuse); raises the change when something changed.</summary>
    public EmulatorUser UpdateUser(string openId, Func<EmulatorUser, EmulatorUser> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        EmulatorUser before, after;
        lock (_gate)
        {
            before = _users.TryGetValue(openId, out var found) ? found : throw new ArgumentException($"No user '{openId}'.", nameof(openId));
            after = change(before) with { OpenId = before.OpenId, UnionId = before.UnionId };
            if (after == before)
            {
                return before;
            }

            PutUserLocked(after);
            Revision.Advance();
        }

        Changed?.Invoke(new ContactUserChange(before, after));
        return after;
    }

    /// <summary>Adds many users under one lock and without events (a generated directory, like a seed).</summary>
    public void AddUsers(IEnumerable<EmulatorUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        lock (_gate)
        {
            foreach (var user in users)
            {
                PutUserLocked(user);
            }

            Revision.Advance();
        }
    }

    /// <summary>Adds a department; raises <see cref="ContactDepartmentChange"/> (created).</summary>
    public EmulatorDepartment CreateDepartment(EmulatorDepartment department)
    {
        ArgumentNullException.ThrowIfNull(department);
        EmulatorDepartment stored;
        lock (_gate)
        {
            if (_departments.ContainsKey(department.OpenDepartmentId) || _departmentsByCustomId.ContainsKey(department.DepartmentId))
            {
                throw new ArgumentException($"A department '{department.DepartmentId}' exists already.", nameof(department));
            }

            stored = PutDepartmentLocked(department);
            Revision.Advance();
        }

        Changed?.Invoke(new ContactDepartmentChange(null, stored));
        return stored;
    }

    /// <summary>Replaces a department through <paramref name="change"/> (the open_department_id stays); raises the change.</summary>
    public EmulatorDepartment UpdateDepartment(string openDepartmentId, Func<EmulatorDepartment, EmulatorDepartment> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        EmulatorDepartment before, after;
        lock (_gate)
        {
            before = _departments.TryGetValue(openDepartmentId, out var found) ? found : throw new ArgumentException($"No department '{openDepartmentId}'.", nameof(openDepartmentId));
            var changed = change(before) with { OpenDepartmentId = before.OpenDepartmentId };
            if (changed.ParentDepartmentId != before.ParentDepartmentId
                && (changed.ParentDepartmentId == openDepartmentId || AncestorsLocked(changed.ParentDepartmentId).Exists(a => a.OpenDepartmentId == openDepartmentId)))
            {
                throw new ArgumentException("A department cannot move below itself.", nameof(change));
            }

            after = PutDepartmentLocked(changed);
            if (after == before)
            {
                return before;
            }

            Revision.Advance();
        }

        Changed?.Invoke(new ContactDepartmentChange(before, after));
        return after;
    }

    /// <summary>Deletes an empty department (no sub-departments, no members who have not resigned); raises the change.</summary>
    public EmulatorDepartment DeleteDepartment(string openDepartmentId)
    {
        EmulatorDepartment before;
        lock (_gate)
        {
            before = _departments.TryGetValue(openDepartmentId, out var found) ? found : throw new ArgumentException($"No department '{openDepartmentId}'.", nameof(openDepartmentId));
            if (_childrenOf.ContainsKey(openDepartmentId) || (_membersOf.TryGetValue(openDepartmentId, out var members) && members.Any(m => !_users[m].IsResigned)))
            {
                throw new InvalidOperationException($"Department '{before.Name}' still has sub-departments or members; move them first.");
            }

            RemoveDepartmentLocked(before);
            Revision.Advance();
        }

        Changed?.Invoke(new ContactDepartmentChange(before, null));
        return before;
    }

    /// <summary>Sets an app's contact scope (null: all members); raises <see cref="ContactScopeChange"/>.</summary>
    public EmulatorApp SetContactScope(string appId, ContactScope? scope)
    {
        EmulatorApp before, after;
        lock (_gate)
        {
            before = _apps.TryGetValue(appId, out var found) ? found : throw new ArgumentException($"No app '{appId}'.", nameof(appId));
            after = before with { ContactScope = scope is { AllMembers: true } ? null : scope };
            _apps[appId] = after;
            Revision.Advance();
        }

        Changed?.Invoke(new ContactScopeChange(appId, before.ContactScope, after.ContactScope));
        return after;
    }

    /// <summary>Sets the contact field scopes an app was granted (null: all of them). No event: Feishu sends none for this.</summary>
    public EmulatorApp SetContactFieldScopes(string appId, IReadOnlyList<string>? scopes)
    {
        lock (_gate)
        {
            var before = _apps.TryGetValue(appId, out var found) ? found : throw new ArgumentException($"No app '{appId}'.", nameof(appId));
            var after = before with { ContactFieldScopes = scopes };
            _apps[appId] = after;
            Revision.Advance();
            return after;
        }
    }
}
