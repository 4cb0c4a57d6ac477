using System.Text.Json;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Control;

/// <summary>
/// Test control of the corp's contacts under <c>/_emulator/wecom</c>: a large generated directory
/// (<c>POST contact/generate {users, departments}</c>), a member's 激活状态 (<c>POST users/{userid}/status {status}</c>: 1, 2,
/// 4 or 5), the app's visible range (<c>POST app/visible {partys, users}</c>) and whether the app is one that no longer
/// gets the sensitive fields (<c>POST app/sensitive {withheld}</c>). Refusals are 400/404 <c>{"error": "…"}</c>.
/// </summary>
internal static class WeComContactControl
{
    /// <summary>The most members one generated directory adds (the directory benchmark's size).</summary>
    public const int MaxUsers = 100_000;

    /// <summary>The most departments one generated directory adds (WeCom allows 30,000 in a corp).</summary>
    public const int MaxDepartments = 30_000;

    public static void MapWeComContactControl(this RouteGroupBuilder control)
    {
        control.MapPost("contact/generate", GenerateAsync);
        control.MapPost("users/{userId}/status", StatusAsync);
        control.MapPost("app/visible", VisibleAsync);
        control.MapPost("app/sensitive", SensitiveAsync);
    }

    private static async Task<IResult> GenerateAsync(HttpContext context, WeComOrg org)
    {
        var body = await ReadAsync(context);
        var users = body?.Field("users") is { ValueKind: JsonValueKind.Number } u && u.TryGetInt32(out var n) ? n : -1;
        var departments = body?.Field("departments") is { ValueKind: JsonValueKind.Number } d && d.TryGetInt32(out var m) ? m : -1;
        if (users is < 0 or > MaxUsers || departments is < 1 or > MaxDepartments)
        {
            return Refuse(400, $"users (0 to {MaxUsers}) and departments (1 to {MaxDepartments}) are required");
        }

        var (madeUsers, madeDepartments) = org.Generate(users, departments);
        return WeComJson.Plain(new { users = madeUsers, departments = madeDepartments });
    }

    private static async Task<IResult> StatusAsync(HttpContext context, [FromRoute] string userId, WeComOrg org)
    {
        var body = await ReadAsync(context);
        var status = body?.Field("status") is { ValueKind: JsonValueKind.Number } s && s.TryGetInt32(out var v) ? v : 0;
        if (status is not (1 or 2 or 4 or 5))
        {
            return Refuse(400, "status must be 1 (active), 2 (disabled), 4 (not yet activated) or 5 (left the corp)");
        }

        return org.SetStatus(userId, status) ? WeComJson.Plain(new { userid = userId, status }) : Refuse(404, "no member has that userid");
    }

    private static async Task<IResult> VisibleAsync(HttpContext context, WeComOrg org)
    {
        var body = await ReadAsync(context);
        var parties = body?.Field("partys") is { ValueKind: JsonValueKind.Array } p ? p.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt64()).ToList() : [];
        var users = body?.Field("users") is { ValueKind: JsonValueKind.Array } us ? us.EnumerateArray().Select(e => e.GetString() ?? string.Empty).Where(x => x.Length > 0).ToList() : [];
        if (parties.FirstOrDefault(id => org.FindDepartment(id) is null) is var unknown and not 0)
        {
            return Refuse(400, $"department {unknown} is not in the corp");
        }

        org.SetVisibleRange(parties, users);
        return WeComJson.Plain(new { partys = parties, users });
    }

    private static async Task<IResult> SensitiveAsync(HttpContext context, WeComOrg org)
    {
        var body = await ReadAsync(context);
        org.WithholdsSensitiveFields = body?.Field("withheld") is { ValueKind: JsonValueKind.True };
        return WeComJson.Plain(new { withheld = org.WithholdsSensitiveFields });
    }

    private static async Task<JsonElement?> ReadAsync(HttpContext context)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Refuse(int status, string error) => WeComJson.Plain(new { error }, status);
}
