using System.Text.Json.Nodes;
using Larkway.Emulator.Api.Contact;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Events;

/// <summary>
/// Directory changes as contact v3 events (v2 envelope; event pages 员工入职 / 员工信息被修改 / 员工离职 / 部门新建 / 部门信息变化 /
/// 部门被删除 / 通讯录权限范围变更): one per subscribed app that may see the user or department (its contact scope), written
/// in that app's ids with the fields its field scopes grant; department ids are open_department_ids.
/// </summary>
internal sealed class ContactEventFactory(EmulatorState state)
{
    public const string UserCreated = "contact.user.created_v3";
    public const string UserUpdated = "contact.user.updated_v3";
    public const string UserDeleted = "contact.user.deleted_v3";
    public const string DepartmentCreated = "contact.department.created_v3";
    public const string DepartmentUpdated = "contact.department.updated_v3";
    public const string DepartmentDeleted = "contact.department.deleted_v3";
    public const string ScopeUpdated = "contact.scope.updated_v3";

    /// <summary>(app, event type, event payload) for every app that gets the change.</summary>
    public IEnumerable<(EventSubscription Subscription, string EventType, JsonObject Payload)> From(StateChange change) => change switch
    {
        ContactUserChange user => ForSubscribers((app, views) => User(app, views, user)),
        ContactDepartmentChange department => ForSubscribers((app, views) => Department(app, views, department)),
        ContactScopeChange scope => ForSubscribers((app, views) => app.AppId == scope.AppId ? Scope(views, scope) : null),
        _ => [],
    };

    private IEnumerable<(EventSubscription, string, JsonObject)> ForSubscribers(Func<EmulatorApp, ContactViews, (string Type, JsonObject Payload)?> build)
    {
        foreach (var subscription in state.EventSubscriptions)
        {
            if (state.FindApp(subscription.AppId) is { } app
                && build(app, new ContactViews(state, app, "open_id", "open_department_id")) is { } built)
            {
                yield return (subscription, built.Type, built.Payload);
            }
        }
    }

    /// <summary>Only users inside the app's contact scope produce events (before or after the change).</summary>
    private (string, JsonObject)? User(EmulatorApp app, ContactViews views, ContactUserChange change)
    {
        var visible = state.InContactScope(app, change.After) || (change.Before is { } before && state.InContactScope(app, before));
        if (!visible)
        {
            return null;
        }

        if (change.IsHire)
        {
            return (UserCreated, new JsonObject { ["object"] = views.User(change.After) });
        }

        // deleted_v3: object.department_ids is empty; old_object still carries them (open_department_ids).
        return change.IsResignation
            ? (UserDeleted, new JsonObject { ["object"] = views.User(change.After, departmentsOverride: []), ["old_object"] = views.User(change.Before!) })
            : (UserUpdated, new JsonObject { ["object"] = views.User(change.After), ["old_object"] = views.User(change.Before!) });
    }

    private (string, JsonObject)? Department(EmulatorApp app, ContactViews views, ContactDepartmentChange change)
    {
        var visible = (change.After is { } after && state.InContactScope(app, after)) || (change.Before is { } before && state.InContactScope(app, before));
        if (!visible)
        {
            return null;
        }

        return (change.Before, change.After) switch
        {
            (null, { } created) => (DepartmentCreated, new JsonObject { ["object"] = views.Department(created) }),
            ({ } deleted, null) => (DepartmentDeleted, new JsonObject
            {
                ["object"] = views.Department(deleted, deleted: true),
                ["old_object"] = new JsonObject { ["status"] = new JsonObject { ["is_deleted"] = false }, ["open_department_id"] = deleted.OpenDepartmentId },
            }),
            ({ } old, { } now) => (DepartmentUpdated, new JsonObject { ["object"] = views.Department(now), ["old_object"] = views.Department(old) }),
            _ => null,
        };
    }

    /// <summary>added / removed: what entered or left the scope as granted (all members counts as the first level and root users).</summary>
    private (string, JsonObject)? Scope(ContactViews views, ContactScopeChange change)
    {
        var (beforeDepartments, beforeUsers) = ContactScopeEndpoints.Granted(state, change.Before);
        var (afterDepartments, afterUsers) = ContactScopeEndpoints.Granted(state, change.After);
        var added = Section(views, afterDepartments.Except(beforeDepartments), afterUsers.Except(beforeUsers));
        var removed = Section(views, beforeDepartments.Except(afterDepartments), beforeUsers.Except(afterUsers));
        return (ScopeUpdated, new JsonObject { ["added"] = added, ["removed"] = removed });
    }

    private static JsonObject Section(ContactViews views, IEnumerable<EmulatorDepartment> departments, IEnumerable<EmulatorUser> users) => new()
    {
        ["departments"] = new JsonArray([.. departments.Select(d => (JsonNode)views.Department(d))]),
        ["users"] = new JsonArray([.. users.Select(u => (JsonNode)views.User(u))]),
        ["user_groups"] = new JsonArray(),
    };
}
