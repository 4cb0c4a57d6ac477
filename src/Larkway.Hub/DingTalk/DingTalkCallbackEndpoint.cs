using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.DingTalk.Callbacks;
using Larkway.DingTalk.Robots;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// <c>POST /dingtalk/apps/{name}/callback</c>: DingTalk's HTTP modes for a stored DingTalk app. Two kinds of request
/// arrive here, told apart by how they are signed:
/// <list type="bullet">
/// <item>the outgoing robot (the robot's "HTTP" message mode): a robot message as JSON with <c>timestamp</c> and
/// <c>sign</c> headers (HMAC-SHA256 of <c>timestamp + "\n" + AppSecret</c>, within <c>Larkway:Apps:CallbackTimestampWindow</c>),
/// each pair accepted once, recorded before any other refusal (<see cref="RobotSignatureLedger"/>: a re-send with the same
/// body passes, another body is a replay, 409); answered <c>{}</c> once stored — the reply goes through the message's
/// session webhook;</item>
/// <item>the event subscription's encrypted push: <c>{"encrypt": …}</c> with <c>signature</c> (or
/// <c>msg_signature</c>), <c>timestamp</c> and <c>nonce</c> in the query, decrypted with the app's token and aes_key
/// (its <c>verification_token</c> and <c>encrypt_key</c>), its timestamp within <c>Larkway:Apps:CallbackTimestampWindow</c>,
/// answered with the encrypted <c>success</c>.</item>
/// </list>
/// Each is stored in the inbox under DingTalk's ids before the answer, so DingTalk's re-sends are no-ops.
/// </summary>
internal static partial class DingTalkCallbackEndpoint
{
    /// <summary>The largest body taken: a robot message or an event is a few KB.</summary>
    private const int MaxBody = 256 * 1024;

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/dingtalk/apps/{name}/callback", HandleAsync)
            .WithDisplayName("DingTalk callback")
            .ExcludeFromDescription()
            .AllowAnonymous();

    private static async Task<IResult> HandleAsync(string name, HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DingTalkCallbackEndpoint));
        var app = HubAppValidation.IsValidName(name) ? await services.GetRequiredService<HubAppRegistry>().FindAsync(name, cancellationToken).ConfigureAwait(false) : null;
        if (app is null || !app.IsDingTalk())
        {
            return Refuse(http, logger, name, StatusCodes.Status404NotFound, $"The Hub has no DingTalk app named '{name}'. Add it (POST /api/v1/apps with platform dingtalk), or fix the URL in DingTalk's developer console.", DingTalkCallbackTelemetry.UnknownApp);
        }

        if (app.Error is not null)
        {
            return Refuse(http, logger, name, StatusCodes.Status503ServiceUnavailable, $"The DingTalk app '{name}' cannot verify callbacks: {app.Error}", DingTalkCallbackTelemetry.Configuration);
        }

        var (body, problem) = await JsonBody.ReadAsync(http.Request, cancellationToken, MaxBody).ConfigureAwait(false);
        if (problem is not null)
        {
            Telemetry(http)?.Refused(name, DingTalkCallbackTelemetry.Malformed);
            return problem;
        }

        var ingest = services.GetRequiredService<DingTalkIngest>();
        var headers = http.Request.Headers;
        var window = services.GetRequiredService<IOptions<HubAppsOptions>>().Value.CallbackTimestampWindow;
        if (headers.ContainsKey("sign") || headers.ContainsKey("timestamp"))
        {
            return await RobotMessageAsync(http, app, body!, headers["timestamp"], headers["sign"], ingest, services.GetRequiredService<RobotSignatureLedger>(), window, time, logger, cancellationToken).ConfigureAwait(false);
        }

        if (!app.Enabled)
        {
            return RefuseDisabled(http, logger, name);
        }

        return await EncryptedEventAsync(http, app, body!, http.Request.Query, ingest, window, time, logger, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> RobotMessageAsync(HttpContext http, StoredApp app, byte[] body, string? timestamp, string? sign, DingTalkIngest ingest, RobotSignatureLedger ledger, TimeSpan window, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var status = DingTalkRobotSignature.VerifyCallback(timestamp, sign, app.AppSecret, time.GetUtcNow(), window);
        if (status != DingTalkSignatureStatus.Valid)
        {
            return Refuse(http, logger, app.Name, StatusCodes.Status401Unauthorized, status switch
            {
                DingTalkSignatureStatus.Missing => "The outgoing robot's request needs both the timestamp and sign headers.",
                DingTalkSignatureStatus.MalformedTimestamp => "The timestamp header is not milliseconds since 1970.",
                DingTalkSignatureStatus.Expired => "The timestamp is too far from this Hub's clock (Larkway:Apps:CallbackTimestampWindow): a replayed request, or a clock that is off — check the Hub's clock.",
                _ => $"The sign header does not match: the robot must belong to the DingTalk app '{app.Name}' (its AppSecret signs the request).",
            }, status switch
            {
                DingTalkSignatureStatus.Missing or DingTalkSignatureStatus.MalformedTimestamp => DingTalkCallbackTelemetry.Malformed,
                DingTalkSignatureStatus.Expired => DingTalkCallbackTelemetry.StaleTimestamp,
                _ => DingTalkCallbackTelemetry.BadSignature,
            });
        }

        // The sign covers only the timestamp: each pair is accepted once, or again with the very same body (a re-send).
        // Recorded before any other refusal (a disabled app, a body that is no robot message), so a pair seen once can
        // never carry another body later, whichever app with this AppSecret it is sent to.
        var use = await ledger.UseAsync(app.AppSecret, long.Parse(timestamp!, CultureInfo.InvariantCulture), body, cancellationToken).ConfigureAwait(false);
        if (use == RobotSignatureUse.Replay)
        {
            LogReplay(logger, app.Name, timestamp!);
            Telemetry(http)?.Refused(app.Name, DingTalkCallbackTelemetry.Replay);
            return TypedResults.Problem(
                detail: "The timestamp and sign headers were already used with another body: each signed outgoing-robot request is accepted once (a replay is refused).",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (!app.Enabled)
        {
            return RefuseDisabled(http, logger, app.Name);
        }

        if (!JsonBody.TryReadObject(body, "a robot message", out var root, out var shape)
            || !root.TryGetProperty("msgId", out var id) || id.ValueKind != JsonValueKind.String)
        {
            Telemetry(http)?.Refused(app.Name, DingTalkCallbackTelemetry.Malformed);
            return JsonBody.BadBody(shape ?? "A robot message needs its msgId.");
        }

        var conversation = root.TryGetProperty("conversationId", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var appended = await ingest.RobotMessageAsync(app.Name, app.AppId, id.GetString()!, conversation, Encoding.UTF8.GetString(body), DingTalkIngest.CallbackTransport, cancellationToken).ConfigureAwait(false);
        Telemetry(http)?.Stored(app.Name, appended.Status != InboxAppendStatus.Accepted);
        return Results.Json(new { });
    }

    private static async Task<IResult> EncryptedEventAsync(HttpContext http, StoredApp app, byte[] body, IQueryCollection query, DingTalkIngest ingest, TimeSpan window, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (app.EncryptKey is null || app.VerificationToken is null)
        {
            return Refuse(http, logger, app.Name, StatusCodes.Status503ServiceUnavailable,
                $"The DingTalk app '{app.Name}' has no event subscription keys in the Hub: set encrypt_key (aes_key) and verification_token (token) with PATCH /api/v1/apps/{app.Name}.", DingTalkCallbackTelemetry.Configuration);
        }

        if (!JsonBody.TryReadObject(body, "an encrypted event", out var root, out var shape)
            || !root.TryGetProperty("encrypt", out var encrypt) || encrypt.ValueKind != JsonValueKind.String)
        {
            Telemetry(http)?.Refused(app.Name, DingTalkCallbackTelemetry.Malformed);
            return JsonBody.BadBody(shape ?? "An encrypted event is {\"encrypt\": \"…\"}; a robot message needs the timestamp and sign headers.");
        }

        DingTalkCallbackCrypto crypto;
        try
        {
            // A signed push older than the window is a replay (the signature covers the timestamp, nothing marks a push used).
            crypto = new DingTalkCallbackCrypto(app.VerificationToken, app.EncryptKey, app.AppId, new DingTalkCallbackOptions { TimestampWindow = window, TimeProvider = time });
        }
        catch (ArgumentException)
        {
            return Refuse(http, logger, app.Name, StatusCodes.Status503ServiceUnavailable, $"The DingTalk app '{app.Name}' has an aes_key that is not 43 Base64 characters: set it again with PATCH /api/v1/apps/{app.Name}.", DingTalkCallbackTelemetry.Configuration);
        }

        var signature = query.TryGetValue("msg_signature", out var msgSignature) ? (string?)msgSignature : (string?)query["signature"];
        var decrypted = crypto.Decrypt(signature, query["timestamp"], query["nonce"], encrypt.GetString());
        if (decrypted.Status != DingTalkCallbackCryptoStatus.Ok)
        {
            return Refuse(http, logger, app.Name, StatusCodes.Status401Unauthorized, decrypted.Status switch
            {
                DingTalkCallbackCryptoStatus.Missing => "The query needs signature (or msg_signature), timestamp and nonce.",
                DingTalkCallbackCryptoStatus.SignatureMismatch => "The signature does not match: the token in the Hub differs from the event subscription's.",
                DingTalkCallbackCryptoStatus.OwnerMismatch => $"The event is for another app: it was not encrypted for AppKey {app.AppId}.",
                DingTalkCallbackCryptoStatus.Expired => "The timestamp is too far from this Hub's clock (Larkway:Apps:CallbackTimestampWindow): a replayed push, or a clock that is off — check the Hub's clock.",
                _ => "The event does not decrypt: the aes_key in the Hub differs from the event subscription's.",
            }, decrypted.Status switch
            {
                DingTalkCallbackCryptoStatus.Missing => DingTalkCallbackTelemetry.Malformed,
                DingTalkCallbackCryptoStatus.SignatureMismatch => DingTalkCallbackTelemetry.BadSignature,
                DingTalkCallbackCryptoStatus.OwnerMismatch => DingTalkCallbackTelemetry.WrongOwner,
                DingTalkCallbackCryptoStatus.Expired => DingTalkCallbackTelemetry.StaleTimestamp,
                _ => DingTalkCallbackTelemetry.BadEncryption,
            });
        }

        var plaintext = decrypted.Plaintext!;
        if (EventTypeOf(plaintext) is not { } eventType)
        {
            Telemetry(http)?.Refused(app.Name, DingTalkCallbackTelemetry.Malformed);
            return JsonBody.BadBody("The decrypted event has no EventType.");
        }

        // DingTalk's URL check ("check_url") only wants the encrypted success; anything else is stored first.
        if (eventType != "check_url")
        {
            var appended = await ingest.EventAsync(app.Name, app.AppId, eventType, eventId: null, plaintext, DingTalkIngest.CallbackTransport, cancellationToken).ConfigureAwait(false);
            Telemetry(http)?.Stored(app.Name, appended.Status != InboxAppendStatus.Accepted);
        }
        else
        {
            Telemetry(http)?.UrlVerified(app.Name);
        }

        return Results.Json(crypto.EncryptSuccess(time.GetUtcNow()));
    }

    private static string? EventTypeOf(string plaintext)
    {
        try
        {
            using var document = JsonDocument.Parse(plaintext);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("EventType", out var type) && type.ValueKind == JsonValueKind.String
                ? type.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ProblemHttpResult RefuseDisabled(HttpContext http, ILogger logger, string app) =>
        Refuse(http, logger, app, StatusCodes.Status503ServiceUnavailable, $"The DingTalk app '{app}' is disabled in the Hub; its callbacks are refused until it is enabled again.", DingTalkCallbackTelemetry.Configuration);

    private static DingTalkCallbackTelemetry? Telemetry(HttpContext http) => http.RequestServices.GetService<DingTalkCallbackTelemetry>();

    private static ProblemHttpResult Refuse(HttpContext http, ILogger logger, string app, int status, string detail, string errorType)
    {
        // An unknown name is counted under "" (a scanner's made-up names must not each become a metric series).
        Telemetry(http)?.Refused(errorType == DingTalkCallbackTelemetry.UnknownApp ? "" : app, errorType);
        LogRefused(logger, app, status, detail);
        return TypedResults.Problem(detail: detail, statusCode: status);
    }

    // The app and the timestamp only: never the body, the sign or who it claims to be from.
    [LoggerMessage(EventId = LogEvents.DingTalkRobotReplayRefused, Level = LogLevel.Warning, Message = "DingTalk outgoing-robot request for app '{AppName}' refused (409): its timestamp {Timestamp} and sign were already used with another body (a replay).")]
    private static partial void LogReplay(ILogger logger, string appName, string timestamp);

    [LoggerMessage(EventId = LogEvents.DingTalkCallbackRefused, Level = LogLevel.Warning, Message = "DingTalk callback for app '{AppName}' refused ({Status}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string appName, int status, string reason);
}
