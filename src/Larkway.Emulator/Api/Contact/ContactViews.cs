using System.Globalization;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// Users and departments as one app reads them (reference §9): its own open_ids and union_ids, ids of the requested types,
/// and only the fields its field scopes grant (<see cref="ContactFieldScopes"/>). Replies and contact events share these.
/// </summary>
internal sealed class ContactViews(EmulatorState state, EmulatorApp app, string userIdType, string departmentIdType)
{
    private readonly IReadOnlyList<string>? _granted = app.ContactFieldScopes;

    public EmulatorApp App => app;

    public bool Grants(string scope) => _granted is null || _granted.Contains(scope, StringComparer.Ordinal);

    /// <summary>The user object; <paramref name="departmentsOverride"/> replaces department_ids (deleted_v3 sends none).</summary>
    public JsonObject User(EmulatorUser user, IReadOnlyList<string>? departmentsOverride = null)
    {
        var departments = departmentsOverride ?? (user.IsResigned ? [] : user.DepartmentIds);
        var json = new JsonObject
        {
            ["open_id"] = state.OpenIdFor(app.AppId, user),
            ["union_id"] = state.UnionIdFor(app.AppId, user),
        };
        Put(json, ContactFieldScopes.UserId, "user_id", user.UserId);
        if (Grants(ContactFieldScopes.UserBase))
        {
            json["name"] = user.Name;
            json["en_name"] = user.EnName ?? string.Empty;
            json["nickname"] = string.Empty;
            json["avatar"] = Avatar(user);
        }

        Put(json, ContactFieldScopes.UserEmail, "email", user.Email);
        if (Grants(ContactFieldScopes.UserPhone) && user.Mobile is { } mobile)
        {
            json["mobile"] = mobile;
            json["mobile_visible"] = true;
        }

        Put(json, ContactFieldScopes.UserGender, "gender", user.Gender);
        json["status"] = Status(user);
        if (Grants(ContactFieldScopes.UserDepartment))
        {
            json["department_ids"] = new JsonArray([.. departments.Select(d => (JsonNode)DepartmentId(d))]);
            json["orders"] = new JsonArray([.. departments.Select((d, i) => (JsonNode)new JsonObject
            {
                ["department_id"] = DepartmentId(d),
                ["user_order"] = 0,
                ["department_order"] = i + 1,
                ["is_primary_dept"] = i == 0,
            })]);
        }

        if (Grants(ContactFieldScopes.UserEmployee))
        {
            json["leader_user_id"] = user.LeaderOpenId is { } leader ? state.UserIdOf(app.AppId, leader, userIdType) : string.Empty;
            json["city"] = user.City ?? string.Empty;
            json["country"] = user.Country ?? string.Empty;
            json["work_station"] = string.Empty;
            json["join_time"] = user.JoinTime;
            json["is_tenant_manager"] = false;
            json["employee_type"] = user.EmployeeType ?? 1;
            json["job_title"] = user.JobTitle ?? string.Empty;
            json["enterprise_email"] = user.EnterpriseEmail ?? string.Empty;
        }

        Put(json, ContactFieldScopes.UserEmployeeNumber, "employee_no", user.EmployeeNo ?? string.Empty);
        return json;
    }

    /// <summary>The department object; <paramref name="deleted"/> sets status.is_deleted (deleted_v3).</summary>
    public JsonObject Department(EmulatorDepartment department, bool deleted = false)
    {
        var json = new JsonObject
        {
            ["department_id"] = DepartmentId(department.OpenDepartmentId),
            ["open_department_id"] = department.OpenDepartmentId,
            ["parent_department_id"] = DepartmentId(department.ParentDepartmentId),
        };
        if (Grants(ContactFieldScopes.DepartmentBase))
        {
            json["name"] = department.Name;
            json["i18n_name"] = new JsonObject { ["zh_cn"] = department.Name, ["ja_jp"] = department.Name, ["en_us"] = department.EnName ?? department.Name };
        }

        if (Grants(ContactFieldScopes.DepartmentOrganize))
        {
            var leader = department.LeaderOpenId is { } id ? state.UserIdOf(app.AppId, id, userIdType) : null;
            json["leader_user_id"] = leader ?? string.Empty;
            json["leaders"] = new JsonArray([.. leader is null ? [] : new JsonNode[] { new JsonObject { ["leaderType"] = 1, ["leaderID"] = leader } }]);
            json["order"] = department.Order.ToString(CultureInfo.InvariantCulture);
            json["member_count"] = deleted ? 0 : state.MemberCount(department.OpenDepartmentId);
            json["primary_member_count"] = deleted ? 0 : state.DepartmentMembers(department.OpenDepartmentId).Count(u => !u.IsResigned && u.DepartmentIds.Count > 0 && u.DepartmentIds[0] == department.OpenDepartmentId);
            json["unit_ids"] = new JsonArray();
        }

        json["status"] = new JsonObject { ["is_deleted"] = deleted };
        return json;
    }

    /// <summary>The root ("0") as <c>GET departments/0</c> returns it: the tenant, every member counted.</summary>
    public JsonObject Root()
    {
        var json = new JsonObject { ["department_id"] = EmulatorState.RootDepartmentId, ["open_department_id"] = EmulatorState.RootDepartmentId };
        if (Grants(ContactFieldScopes.DepartmentBase))
        {
            json["name"] = state.Tenant.Name;
        }

        if (Grants(ContactFieldScopes.DepartmentOrganize))
        {
            json["member_count"] = state.Users.Count(u => !u.IsResigned);
        }

        json["status"] = new JsonObject { ["is_deleted"] = false };
        return json;
    }

    /// <summary>A department's id of the requested type ("0" stays "0"; an id no longer known passes through).</summary>
    public string DepartmentId(string openDepartmentId) =>
        departmentIdType == "department_id" && openDepartmentId != EmulatorState.RootDepartmentId
            ? state.FindDepartment("open_department_id", openDepartmentId)?.DepartmentId ?? openDepartmentId
            : openDepartmentId;

    public string UserId(EmulatorUser user) => state.UserIdOf(app.AppId, user.OpenId, userIdType);

    public static JsonObject Status(EmulatorUser user) => new()
    {
        ["is_frozen"] = user.IsFrozen,
        ["is_resigned"] = user.IsResigned,
        ["is_activated"] = user.IsActivated && !user.IsResigned,
        ["is_exited"] = false,
        ["is_unjoin"] = !user.IsActivated && !user.IsResigned,
    };

    private static JsonObject Avatar(EmulatorUser user)
    {
        var url = "https://s1-imfile.feishucdn.com/static-resource/v1/emulator-avatar-" + user.UserId;
        return new JsonObject { ["avatar_72"] = url + "~72", ["avatar_240"] = url + "~240", ["avatar_640"] = url + "~640", ["avatar_origin"] = url };
    }

    private void Put(JsonObject json, string scope, string name, JsonNode? value)
    {
        if (value is not null && Grants(scope))
        {
            json[name] = value;
        }
    }
}
