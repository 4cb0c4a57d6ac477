using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// Contact v3 department routes (reference §9). <c>GET /open-apis/contact/v3/departments/{department_id}/children</c>
/// lists a department's sub-departments over the seed's tree (each department's <c>parent_department_id</c>, "0" the
/// root): the direct children, or with <c>fetch_child=true</c> every department below at any depth (breadth first),
/// paged (<c>page_size</c> 1–50, default 10). An unknown department is 40014 (outside the contact scope).
/// Tenant token only; rate-limited like every Open API route.
/// </summary>
internal static class ContactDepartmentEndpoints
{
    private const int Invalid = ErrorCodes.ContactInvalidParameter;

    public static void MapContactDepartmentEndpoints(this IEndpointRouteBuilder routes)
    {
        var departments = routes.MapGroup("/open-apis/contact/v3/departments").AsOpenApi();
        departments.MapGet("{department_id}/children", Children);
    }

    private static IResult Children(HttpContext context, EmulatorState state, [FromRoute(Name = "department_id")] string departmentId)
    {
        var idType = context.Request.Query("user_id_type") ?? "open_id";
        if (idType is not ("open_id" or "union_id" or "user_id"))
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid user_id_type '{idType}': use open_id, union_id or user_id");
        }

        var departmentIdType = context.Request.Query("department_id_type") ?? "open_department_id";
        if (departmentIdType is not ("open_department_id" or "department_id"))
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid department_id_type '{departmentIdType}': use open_department_id or department_id");
        }

        var fetchChild = context.Request.Query("fetch_child") switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw ApiErrorException.BadRequest(Invalid, $"invalid fetch_child '{other}': use true or false"),
        };
        var pageSize = context.Request.QueryInt("page_size", 10, 1, 50, Invalid);

        var all = state.Departments;
        var parent = departmentId == "0"
            ? null
            : all.FirstOrDefault(d => departmentIdType == "department_id" ? d.DepartmentId == departmentId : d.OpenDepartmentId == departmentId)
                ?? throw new ApiErrorException(403, ErrorCodes.ContactNoDepartmentAuthority, $"no dept authority error: department '{departmentId}' is not in the app's contact scope");

        var below = Descendants(all, parent, fetchChild);
        var page = Paging.Slice(below, d => d.OpenDepartmentId, false, context.Request.Query("page_token"), pageSize,
            $"dept-children:{parent?.OpenDepartmentId ?? "0"}:{fetchChild}", Invalid);
        return Envelope.Ok(new
        {
            has_more = page.HasMore,
            page_token = page.PageToken,
            items = page.Items.Select(d => new Department(
                d.Name,
                departmentIdType == "department_id" ? d.DepartmentId : d.OpenDepartmentId,
                d.OpenDepartmentId,
                ParentOf(all, d) is { } p ? (departmentIdType == "department_id" ? p.DepartmentId : p.OpenDepartmentId) : "0",
                new DepartmentStatus(IsDeleted: false))).ToList(),
        });
    }

    /// <summary>The children of <paramref name="parent"/> (null: the root), level by level; every level with <paramref name="deep"/>.</summary>
    private static List<EmulatorDepartment> Descendants(IReadOnlyList<EmulatorDepartment> all, EmulatorDepartment? parent, bool deep)
    {
        var result = new List<EmulatorDepartment>();
        var level = new List<EmulatorDepartment?> { parent };
        while (level.Count > 0)
        {
            var next = level
                .SelectMany(p => all.Where(d => Equals(ParentOf(all, d), p)))
                .Where(d => !result.Contains(d))
                .OrderBy(d => d.OpenDepartmentId, StringComparer.Ordinal)
                .ToList();
            result.AddRange(next);
            level = deep ? [.. next] : [];
        }

        return result;
    }

    /// <summary>A seed names the parent by department_id or open_department_id; "0" (or an unknown id) is the root.</summary>
    private static EmulatorDepartment? ParentOf(IReadOnlyList<EmulatorDepartment> all, EmulatorDepartment department) =>
        department.ParentDepartmentId == "0"
            ? null
            : all.FirstOrDefault(d => d.OpenDepartmentId == department.ParentDepartmentId || d.DepartmentId == department.ParentDepartmentId);

    private sealed record Department(string Name, string DepartmentId, string OpenDepartmentId, string ParentDepartmentId, DepartmentStatus Status);

    private sealed record DepartmentStatus(bool IsDeleted);
}
