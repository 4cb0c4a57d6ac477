using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Api.Control;

/// <summary>The user fields an edit may set; null leaves a field as it is, "" clears an optional text field.</summary>
internal sealed record UserFields
{
    public string? Name { get; init; }

    public string? Email { get; init; }

    public string? Mobile { get; init; }

    public string? UserId { get; init; }

    public string? EnName { get; init; }

    public string? EnterpriseEmail { get; init; }

    public string? JobTitle { get; init; }

    public string? EmployeeNo { get; init; }

    public int? EmployeeType { get; init; }

    public long? JoinTime { get; init; }

    public string? City { get; init; }

    public string? Country { get; init; }

    public int? Gender { get; init; }

    /// <summary>Department references (department_id or open_department_id), primary first; empty: the root.</summary>
    public IReadOnlyList<string>? Departments { get; init; }

    /// <summary>The leader as a user reference; "" removes the leader.</summary>
    public string? Leader { get; init; }
}

/// <summary>The department fields an edit may set (null leaves a field as it is).</summary>
internal sealed record DepartmentFields
{
    public string? Name { get; init; }

    public string? DepartmentId { get; init; }

    public string? EnName { get; init; }

    /// <summary>The parent (department_id, open_department_id, or "0" for the first level).</summary>
    public string? Parent { get; init; }

    /// <summary>The leader as a user reference; "" removes the leader.</summary>
    public string? Leader { get; init; }

    public int? Order { get; init; }
}

/// <summary>
/// The directory as an administrator edits it, shared by the control API and the directory page: references resolved, ids
/// kept unique, and a change of mobile and of email made together stored as two changes (Feishu sends them as two
/// contact.user.updated_v3 events). Refusals are 400s that say what to fix.
/// </summary>
internal sealed class DirectoryEditor(EmulatorState state)
{
    private const int Invalid = ErrorCodes.BadRequest;

    public EmulatorUser RequireUser(string reference) => ControlLookups.RequireUser(state, reference, Invalid);

    public EmulatorDepartment RequireDepartment(string reference) =>
        state.FindDepartment("department_id", reference) ?? state.FindDepartment("open_department_id", reference)
        ?? throw ApiErrorException.BadRequest(Invalid, $"unknown department '{reference}' (department_id or open_department_id)");

    public EmulatorUser CreateUser(UserFields fields)
    {
        var name = string.IsNullOrWhiteSpace(fields.Name) ? throw ApiErrorException.BadRequest(Invalid, "name is required") : fields.Name.Trim();
        var userId = fields.UserId is { Length: > 0 } given ? given : FreeUserId(fields.Email, name);
        RequireFreeUserId(userId, null);
        var user = new EmulatorUser(Ids.HomeOpenId(userId), Ids.HomeUnionId(userId), userId, name, null, [])
        {
            JoinTime = state.NowMs() / 1000,
        };
        user = Apply(user, fields with { Name = null, UserId = null });
        try
        {
            return state.CreateUser(user);
        }
        catch (ArgumentException e)
        {
            throw ApiErrorException.BadRequest(Invalid, e.Message);
        }
    }

    /// <summary>Applies the edit; the mobile and the email, when both change, each in a change of their own (after the rest).</summary>
    public EmulatorUser UpdateUser(EmulatorUser user, UserFields fields)
    {
        var rest = fields with { Mobile = null, Email = null };
        var updated = state.UpdateUser(user.OpenId, u => Apply(u, rest));
        if (fields.Mobile is not null)
        {
            updated = state.UpdateUser(user.OpenId, u => Apply(u, new UserFields { Mobile = fields.Mobile }));
        }

        if (fields.Email is not null)
        {
            updated = state.UpdateUser(user.OpenId, u => Apply(u, new UserFields { Email = fields.Email }));
        }

        return updated;
    }

    /// <summary>Resignation (contact.user.deleted_v3); the departments stay on record for a rehire.</summary>
    public EmulatorUser Resign(EmulatorUser user) =>
        user.IsResigned ? throw ApiErrorException.BadRequest(Invalid, $"'{user.Name}' has resigned already") : state.UpdateUser(user.OpenId, u => u with { IsResigned = true, IsFrozen = false });

    /// <summary>A resigned user joins again (contact.user.created_v3), in the given departments or the former ones.</summary>
    public EmulatorUser Rehire(EmulatorUser user, IReadOnlyList<string>? departments) =>
        !user.IsResigned
            ? throw ApiErrorException.BadRequest(Invalid, $"'{user.Name}' has not resigned; only a resigned user can be rehired")
            : state.UpdateUser(user.OpenId, u => u with
            {
                // The former departments, less any deleted since the resignation.
                DepartmentIds = departments is null ? [.. u.DepartmentIds.Where(d => state.FindDepartment("open_department_id", d) is not null)] : Departments(departments),
                IsResigned = false,
                IsActivated = true,
            });

    public EmulatorUser Freeze(EmulatorUser user, bool frozen) =>
        user.IsResigned ? throw ApiErrorException.BadRequest(Invalid, $"'{user.Name}' has resigned; rehire first") : state.UpdateUser(user.OpenId, u => u with { IsFrozen = frozen });

    public EmulatorDepartment CreateDepartment(DepartmentFields fields)
    {
        var name = string.IsNullOrWhiteSpace(fields.Name) ? throw ApiErrorException.BadRequest(Invalid, "name is required") : fields.Name.Trim();
        var departmentId = fields.DepartmentId is { Length: > 0 } given ? given
            : Ids.FirstFree(Ids.Slug(name) is { Length: > 0 } slug ? slug : "department", id => state.FindDepartment("department_id", id) is not null);
        if (departmentId == EmulatorState.RootDepartmentId || state.FindDepartment("department_id", departmentId) is not null)
        {
            throw ApiErrorException.BadRequest(Invalid, $"department_id '{departmentId}' is taken; choose another");
        }

        var department = Apply(new EmulatorDepartment(Ids.OpenDepartmentId(departmentId), departmentId, name, EmulatorState.RootDepartmentId), fields with { Name = null, DepartmentId = null });
        try
        {
            return state.CreateDepartment(department);
        }
        catch (ArgumentException e)
        {
            throw ApiErrorException.BadRequest(Invalid, e.Message);
        }
    }

    public EmulatorDepartment UpdateDepartment(EmulatorDepartment department, DepartmentFields fields)
    {
        if (fields.DepartmentId is { } newId && newId != department.DepartmentId && state.FindDepartment("department_id", newId) is not null)
        {
            throw ApiErrorException.BadRequest(Invalid, $"department_id '{newId}' is taken; choose another");
        }

        try
        {
            return state.UpdateDepartment(department.OpenDepartmentId, d => Apply(d, fields));
        }
        catch (ArgumentException e)
        {
            throw ApiErrorException.BadRequest(Invalid, e.Message);
        }
    }

    public EmulatorDepartment DeleteDepartment(EmulatorDepartment department)
    {
        try
        {
            return state.DeleteDepartment(department.OpenDepartmentId);
        }
        catch (InvalidOperationException e)
        {
            throw ApiErrorException.BadRequest(Invalid, e.Message);
        }
    }

    /// <summary>Sets an app's contact scope: everyone, or the listed departments (with what is below them) and users.</summary>
    public EmulatorApp SetScope(string appId, bool allMembers, IReadOnlyList<string> departments, IReadOnlyList<string> users)
    {
        if (state.FindApp(appId) is null)
        {
            throw ApiErrorException.BadRequest(Invalid, $"unknown app_id '{appId}'");
        }

        var scope = allMembers
            ? null
            : new ContactScope(false, [.. departments.Select(d => RequireDepartment(d).OpenDepartmentId).Distinct()], [.. users.Select(u => RequireUser(u).OpenId).Distinct()]);
        return state.SetContactScope(appId, scope);
    }

    private EmulatorUser Apply(EmulatorUser user, UserFields fields)
    {
        var mobile = fields.Mobile switch
        {
            null => user.Mobile,
            "" => null,
            var text => MobileNumbers.Normalize(text) ?? throw ApiErrorException.BadRequest(Invalid, $"invalid mobile '{text}': digits, optionally with +country code"),
        };
        if (mobile is not null && mobile != user.Mobile && state.FindUser("mobile", mobile) is { } holder && holder.OpenId != user.OpenId)
        {
            throw ApiErrorException.BadRequest(Invalid, $"mobile {mobile} belongs to '{holder.Name}' already");
        }

        var email = Text(fields.Email, user.Email);
        if (email is not null && !email.Contains('@', StringComparison.Ordinal))
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid email '{email}'");
        }

        if (email is not null && state.FindUser("email", email) is { } owner && owner.OpenId != user.OpenId)
        {
            throw ApiErrorException.BadRequest(Invalid, $"email {email} belongs to '{owner.Name}' already");
        }

        if (fields.UserId is { } userId && userId != user.UserId)
        {
            RequireFreeUserId(userId, user);
        }

        if (fields.EmployeeType is not (null or (>= 1 and <= 5)))
        {
            throw ApiErrorException.BadRequest(Invalid, "employee_type must be 1 (regular), 2 (intern), 3 (outsourced), 4 (labour) or 5 (consultant)");
        }

        return user with
        {
            Name = fields.Name is { Length: > 0 } name ? name : user.Name,
            Email = email,
            Mobile = mobile,
            UserId = fields.UserId ?? user.UserId,
            EnName = Text(fields.EnName, user.EnName),
            EnterpriseEmail = Text(fields.EnterpriseEmail, user.EnterpriseEmail),
            JobTitle = Text(fields.JobTitle, user.JobTitle),
            EmployeeNo = Text(fields.EmployeeNo, user.EmployeeNo),
            EmployeeType = fields.EmployeeType ?? user.EmployeeType,
            JoinTime = fields.JoinTime ?? user.JoinTime,
            City = Text(fields.City, user.City),
            Country = Text(fields.Country, user.Country),
            Gender = fields.Gender is { } gender ? (gender is >= 0 and <= 3 ? gender : throw ApiErrorException.BadRequest(Invalid, "gender must be 0 to 3")) : user.Gender,
            DepartmentIds = fields.Departments is { } departments ? Departments(departments) : user.DepartmentIds,
            LeaderOpenId = fields.Leader switch { null => user.LeaderOpenId, "" => null, var leader => RequireUser(leader).OpenId },
        };
    }

    private EmulatorDepartment Apply(EmulatorDepartment department, DepartmentFields fields) => department with
    {
        Name = fields.Name is { Length: > 0 } name ? name : department.Name,
        DepartmentId = fields.DepartmentId is { Length: > 0 } id ? id : department.DepartmentId,
        EnName = Text(fields.EnName, department.EnName),
        ParentDepartmentId = fields.Parent switch
        {
            null => department.ParentDepartmentId,
            EmulatorState.RootDepartmentId => EmulatorState.RootDepartmentId,
            var parent => RequireDepartment(parent).OpenDepartmentId,
        },
        LeaderOpenId = fields.Leader switch { null => department.LeaderOpenId, "" => null, var leader => RequireUser(leader).OpenId },
        Order = fields.Order ?? department.Order,
    };

    private List<string> Departments(IReadOnlyList<string> references) =>
        [.. references.Where(r => r != EmulatorState.RootDepartmentId).Select(r => RequireDepartment(r).OpenDepartmentId).Distinct()];

    /// <summary>As a seed derives it — the email's local part, else the slugged name — made unique with a number.</summary>
    private string FreeUserId(string? email, string name)
    {
        var stem = email?.Split('@')[0] is { Length: > 0 } local ? local : Ids.Slug(name) is { Length: > 0 } slug ? slug : "user";
        return Ids.FirstFree(stem, id => state.FindUser("user_id", id) is not null);
    }

    private void RequireFreeUserId(string userId, EmulatorUser? owner)
    {
        if (state.FindUser("user_id", userId) is { } holder && holder.OpenId != owner?.OpenId)
        {
            throw ApiErrorException.BadRequest(Invalid, $"user_id '{userId}' belongs to '{holder.Name}' already");
        }
    }


    private static string? Text(string? value, string? current) => value switch
    {
        null => current,
        "" => null,
        _ => value.Trim(),
    };

}
