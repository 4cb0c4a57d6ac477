using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Api.Bitable;

/// <summary>How the bitable endpoints read requests: bodies, paging, user id types, the caller as actor, client tokens.</summary>
internal static partial class BitableRequest
{
    public const int Invalid = BitableErrors.WrongRequestBody;

    /// <summary>The JSON object body; malformed JSON is 1254000, another shape 1254001.</summary>
    public static async Task<JsonElement> BodyAsync(HttpRequest request, bool allowEmpty = false)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0)
        {
            return allowEmpty ? JsonDocument.Parse("{}").RootElement.Clone() : throw BitableErrors.Error(Invalid, "the JSON body is empty");
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw BitableErrors.Error(Invalid, "the JSON body must be an object");
        }
        catch (JsonException e)
        {
            throw BitableErrors.Error(BitableErrors.WrongRequestJson, "malformed JSON body (" + e.Message + ")");
        }
    }

    /// <summary>user_id_type (query, or the body for batch_get): open_id (default), union_id or user_id.</summary>
    public static string UserIdType(string? given) => given switch
    {
        null or "" => "open_id",
        "open_id" or "union_id" or "user_id" => given,
        _ => throw BitableErrors.Error(Invalid, $"user_id_type '{given}' is not open_id, union_id or user_id"),
    };

    /// <summary>page_size: 0 or less is 1254011; above <paramref name="max"/> is field validation (99992402).</summary>
    public static int PageSize(HttpRequest request, int max, int defaultSize = 20)
    {
        var raw = request.Query("page_size");
        if (raw is null)
        {
            return defaultSize;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size))
        {
            throw BitableErrors.Error(Invalid, $"page_size '{raw}' is not an integer");
        }

        return size <= 0 ? throw BitableErrors.Error(BitableErrors.PageSizeInvalid, "page_size must be greater than 0")
            : size > max ? throw BitableErrors.FieldValidation("page_size", raw, $"page_size is at most {max}")
            : size;
    }

    public static bool QueryBool(HttpRequest request, string name) => request.Query(name) is "true" or "True" or "1";

    /// <summary>Who writes: the user of a user_access_token, else the calling app (its bot).</summary>
    public static ChangeActor Actor(HttpContext context)
    {
        var caller = context.Caller();
        return caller.User is { } grant ? ChangeActor.User(grant.UserKey) : ChangeActor.App(caller.App.AppId);
    }

    public static CellReadContext ReadContext(HttpContext context, EmulatorState state, string idType, bool textAsArray = true) =>
        new(state, context.CallerIds(state), idType, textAsArray);

    /// <summary>
    /// The query's client_token: absent, or a uuid v4 (else 1254037). With one, a write done before under the same token and
    /// the same request answers as it did then; the same token with another request is 1255006.
    /// </summary>
    public static ClientToken? ClientTokenOf(HttpContext context, string operation, string scope, JsonElement body)
    {
        var token = context.Request.Query("client_token");
        if (token is null)
        {
            return null;
        }

        if (!UuidV4().IsMatch(token))
        {
            throw BitableErrors.Error(BitableErrors.InvalidClientToken, $"client_token '{token}' is not a uuid v4");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(context.Request.QueryString.Value + "\n" + body.GetRawText())));
        return new ClientToken($"{context.CallerApp().AppId}|{operation}|{scope}|{token}", hash);
    }

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidV4();
}

/// <summary>A write's idempotency key and the hash of the request it came with.</summary>
internal sealed record ClientToken(string Key, string RequestHash)
{
    /// <summary>The answer a write under this token gave before, or null; 1255006 when the token came with another request.</summary>
    public string? Replay(BitableBase app, DateTimeOffset now)
    {
        app.ClientTokens.RemoveAll(c => c.Expires <= now);
        if (app.ClientTokens.Find(c => c.Key == Key) is not { } claim)
        {
            return null;
        }

        return claim.RequestHash == RequestHash
            ? claim.Response
            : throw BitableErrors.Error(BitableErrors.ClientTokenConflict, "this client_token was used with another request; generate a new one");
    }

    public void Remember(BitableBase app, string response, DateTimeOffset expires) =>
        app.ClientTokens.Add(new ClientTokenClaim(Key, RequestHash, response, expires));
}
