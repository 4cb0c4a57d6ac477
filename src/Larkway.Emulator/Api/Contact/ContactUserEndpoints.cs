using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// Contact v3 user routes (reference §9). <c>POST /open-apis/contact/v3/users/batch_get_id</c> resolves
/// emails and mobiles to user ids: one <c>user_list</c> entry per input, emails first, each echoing its
/// input; <c>user_id</c> and <c>status</c> only for users found (a resigned user counts as found only with
/// <c>include_resigned</c>). Tenant token only; rate-limited like every Open API route (tier 4, as the page says).
/// </summary>
internal static class ContactUserEndpoints
{
    private const int Invalid = ErrorCodes.ContactInvalidParameter;
    private const int MaxPerList = 50;

    public static void MapContactUserEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/open-apis/contact/v3/users").AsOpenApi().MapPost("batch_get_id", BatchGetIdAsync);

    private static async Task<IResult> BatchGetIdAsync(HttpContext context, EmulatorState state)
    {
        var idType = context.Request.Query("user_id_type") ?? "open_id";
        if (idType is not ("open_id" or "union_id" or "user_id"))
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid user_id_type '{idType}': use open_id, union_id or user_id");
        }

        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var emails = ReadList(body, "emails");
        var mobiles = ReadList(body, "mobiles");
        var includeResigned = body.OptionalBool("include_resigned", Invalid) ?? false;
        if (emails.Count + mobiles.Count == 0)
        {
            throw ApiErrorException.BadRequest(Invalid, "invalid request: emails and mobiles are both empty; give at least one email or mobile");
        }

        var entries = new List<UserIdEntry>(emails.Count + mobiles.Count);
        entries.AddRange(emails.Select(email => Entry(state.FindUser("email", email), idType, includeResigned) with { Email = email }));
        entries.AddRange(mobiles.Select(mobile => Entry(state.FindUser("mobile", mobile), idType, includeResigned) with { Mobile = mobile }));
        return Envelope.Ok(new { user_list = entries });
    }

    private static IReadOnlyList<string> ReadList(System.Text.Json.JsonElement body, string name)
    {
        var list = body.OptionalStringArray(name, Invalid) ?? [];
        if (list.Count > MaxPerList)
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid request: {name} has {list.Count} items; at most {MaxPerList} per request, split the list");
        }

        var blank = list.ToList().FindIndex(string.IsNullOrWhiteSpace);
        return blank < 0 ? list : throw ApiErrorException.BadRequest(Invalid, $"invalid request: {name}[{blank}] is empty; remove it or give a value");
    }

    private static UserIdEntry Entry(EmulatorUser? user, string idType, bool includeResigned)
    {
        if (user is null || (user.IsResigned && !includeResigned))
        {
            return new UserIdEntry(null, null, null, null);
        }

        var id = idType switch
        {
            "union_id" => user.UnionId,
            "user_id" => user.UserId,
            _ => user.OpenId,
        };
        var status = new UserStatus(
            IsFrozen: user.IsFrozen,
            IsResigned: user.IsResigned,
            IsActivated: user.IsActivated && !user.IsResigned,
            IsExited: false,
            IsUnjoin: !user.IsActivated && !user.IsResigned);
        return new UserIdEntry(id, null, null, status);
    }

    // Null members are left out of the JSON (EmulatorJson ignores nulls): absent, not "".
    private sealed record UserIdEntry(string? UserId, string? Email, string? Mobile, UserStatus? Status);

    private sealed record UserStatus(bool IsFrozen, bool IsResigned, bool IsActivated, bool IsExited, bool IsUnjoin);
}
