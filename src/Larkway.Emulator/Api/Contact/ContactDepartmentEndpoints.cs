using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// Contact v3 department routes (reference §9) over the department tree ("0" is the root), filtered by the caller's contact
/// scope (<see cref="ContactScopeRules"/>): get one (or the root), a batch of up to 50 (repeated <c>department_ids=</c>), the
/// children of one — direct, or with <c>fetch_child</c> every level below, parents before children — paged 1–50 (default 10),
/// the historical list (<c>parent_department_id</c>, default the root), and <c>parent</c>: the ancestor chain, nearest first.
/// Tenant token only; rate-limited like every Open API route.
/// </summary>
internal static class ContactDepartmentEndpoints
{
    private const int MaxPerBatch = 50;

    public static void MapContactDepartmentEndpoints(this IEndpointRouteBuilder routes)
    {
        var departments = routes.MapGroup("/open-apis/contact/v3/departments").AsOpenApi();
        departments.MapGet("batch", Batch);
        departments.MapGet("parent", Parents);
        departments.MapGet("", List);
        departments.MapGet("{department_id}/children", Children);
        departments.MapGet("{department_id}", Get);
    }

    private static IResult Get(HttpContext context, EmulatorState state, [FromRoute(Name = "department_id")] string departmentId)
    {
        var (rules, views, idType) = Read(context, state);
        var department = rules.RequireDepartment(idType, departmentId);
        return Envelope.Ok(new { department = department is null ? views.Root() : views.Department(department) });
    }

    /// <summary>Departments the app cannot see (or that do not exist) are left out; the rest come in request order.</summary>
    private static IResult Batch(HttpContext context, EmulatorState state)
    {
        var (rules, views, idType) = Read(context, state);
        var items = ContactRequest.Repeated(context.Request, "department_ids", MaxPerBatch)
            .Select(id => state.FindDepartment(idType, id))
            .OfType<EmulatorDepartment>()
            .Where(rules.Sees)
            .DistinctBy(d => d.OpenDepartmentId)
            .Select(d => (JsonNode)views.Department(d));
        return Envelope.Ok(new { items = new JsonArray([.. items]) });
    }

    private static IResult Children(HttpContext context, EmulatorState state, [FromRoute(Name = "department_id")] string departmentId) =>
        Below(context, state, departmentId, ContactRequest.PageSize(context.Request, 10, 50));

    /// <summary>The historical list: the children of <c>parent_department_id</c> (default the root), paged like children.</summary>
    private static IResult List(HttpContext context, EmulatorState state) =>
        Below(context, state, context.Request.Query("parent_department_id") ?? EmulatorState.RootDepartmentId, ContactRequest.PageSize(context.Request, 20, 50));

    private static IResult Below(HttpContext context, EmulatorState state, string departmentId, int pageSize)
    {
        var (rules, views, idType) = Read(context, state);
        var fetchChild = ContactRequest.Bool(context.Request, "fetch_child", false);
        var parent = rules.RequireDepartment(idType, departmentId)?.OpenDepartmentId ?? EmulatorState.RootDepartmentId;
        var below = fetchChild ? state.DescendantDepartments(parent) : state.ChildDepartments(parent);
        return DepartmentsPage(context, views, below, pageSize, $"dept-children:{parent}:{fetchChild}");
    }

    /// <summary>The ancestors of a department the app can see, nearest first, those the app can see too.</summary>
    private static IResult Parents(HttpContext context, EmulatorState state)
    {
        var (rules, views, idType) = Read(context, state);
        var departmentId = ContactRequest.Required(context.Request, "department_id", "the department whose parents to list");
        var pageSize = ContactRequest.PageSize(context.Request, 10, 50);
        var department = rules.RequireDepartment(idType, departmentId);
        var chain = department is null ? [] : state.AncestorDepartments(department.OpenDepartmentId).Where(rules.Sees).ToList();
        return DepartmentsPage(context, views, chain, pageSize, "dept-parents:" + (department?.OpenDepartmentId ?? EmulatorState.RootDepartmentId));
    }

    private static IResult DepartmentsPage(HttpContext context, ContactViews views, IReadOnlyList<EmulatorDepartment> ordered, int pageSize, string listing)
    {
        var page = Paging.Slice(ordered, d => d.OpenDepartmentId, false, ContactRequest.PageToken(context.Request), pageSize, listing, ErrorCodes.ContactPageTokenInvalid);
        return Envelope.Ok(new
        {
            has_more = page.HasMore,
            page_token = page.PageToken,
            items = new JsonArray([.. page.Items.Select(d => (JsonNode)views.Department(d))]),
        });
    }

    private static (ContactScopeRules Rules, ContactViews Views, string DepartmentIdType) Read(HttpContext context, EmulatorState state)
    {
        var rules = ContactScopeRules.For(context, state);
        var departmentIdType = ContactRequest.DepartmentIdType(context.Request);
        return (rules, new ContactViews(state, rules.App, ContactRequest.UserIdType(context.Request), departmentIdType), departmentIdType);
    }
}
