using System.Globalization;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Api;

/// <summary>
/// Departments, as a self-built app reads them: <c>GET /cgi-bin/department/simplelist</c> (获取子部门ID列表, document 95350:
/// the department and every one below it, recursively, as <c>{id, parentid, order}</c>; without <c>id</c> the whole
/// organisation the app sees) and <c>GET /cgi-bin/department/get</c> (获取单个部门详情, 95351: id, name, name_en,
/// department_leader, parentid, order). A self-built app reads only its visible range (60011 outside it); an unknown
/// department answers 60003.
/// </summary>
internal static class WeComDepartmentEndpoints
{
    private const string Base = WeComApiExtensions.Prefix + "/cgi-bin/department";

    public static void MapWeComDepartmentEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Base + "/simplelist", SimpleList).AsWeCom();
        routes.MapGet(Base + "/get", Get).AsWeCom();
    }

    private static IResult SimpleList(HttpContext context, WeComOrg org)
    {
        var raw = context.Request.Query["id"].FirstOrDefault();
        IEnumerable<WeComDepartment> departments;
        if (string.IsNullOrEmpty(raw))
        {
            // The whole organisation the app sees: each top of its visible range with what is below it.
            var (parties, _) = org.VisibleRange;
            departments = parties.SelectMany(org.DepartmentTree).DistinctBy(d => d.Id);
        }
        else
        {
            departments = org.DepartmentTree(Visible(org, raw).Id);
        }

        return WeComJson.Ok(new Dictionary<string, object?>
        {
            ["department_id"] = departments.Select(d => new Dictionary<string, object?> { ["id"] = d.Id, ["parentid"] = d.ParentId, ["order"] = d.Order }).ToList(),
        });
    }

    private static IResult Get(HttpContext context, WeComOrg org)
    {
        var raw = context.Request.Query["id"].FirstOrDefault();
        if (string.IsNullOrEmpty(raw))
        {
            throw WeComException.Of(WeComCodes.EmptyParameter, "pass ?id=");
        }

        var department = Visible(org, raw);
        return WeComJson.Ok(new Dictionary<string, object?>
        {
            ["department"] = new Dictionary<string, object?>
            {
                ["id"] = department.Id,
                ["name"] = department.Name,
                ["name_en"] = department.NameEn,
                ["department_leader"] = department.Leaders,
                ["parentid"] = department.ParentId,
                ["order"] = department.Order,
            },
        });
    }

    /// <summary>The department <paramref name="raw"/> names: 60003 when there is none, 60011 when it is outside the app's visible range.</summary>
    internal static WeComDepartment Visible(WeComOrg org, string raw)
    {
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || org.FindDepartment(id) is not { } department)
        {
            throw WeComException.Of(WeComCodes.DepartmentNotFound, $"department {raw} is not in the corp");
        }

        return org.IsVisible(id) ? department : throw WeComException.Of(WeComCodes.NoContactPrivilege, $"department {raw} is outside the app's visible range");
    }
}
