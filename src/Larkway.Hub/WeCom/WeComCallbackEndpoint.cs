using System.Buffers;
using System.Text;
using System.Xml;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.WeCom.Callbacks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom;

/// <summary>
/// <c>GET/POST /wecom/apps/{name}/callback</c>: a stored WeCom app's API receiving URL (接收消息 → 设置API接收).
/// <list type="bullet">
/// <item>GET is WeCom's URL check: <c>msg_signature</c> over the app's Token, <c>timestamp</c>, <c>nonce</c> and
/// <c>echostr</c>; answered with the decrypted echostr as the whole plain-text body.</item>
/// <item>POST is a member's message, an event or a template card click, encrypted for the corp
/// (<c>&lt;xml&gt;&lt;ToUserName/&gt;&lt;Encrypt/&gt;&lt;AgentID/&gt;&lt;/xml&gt;</c>): verified, decrypted, stored in the
/// inbox under WeCom's dedupe key, and answered with an empty 200 — well inside WeCom's 5 s, the handling (the bot's
/// answer, the forwarding) coming later from the inbox. A retry is answered the same and stored once.</item>
/// </list>
/// A request that does not verify is refused with 400 and the reason (never 500); the decrypted content is never logged.
/// </summary>
internal static partial class WeComCallbackEndpoint
{
    /// <summary>The largest body taken: a message or an event is a few KB.</summary>
    private const int MaxBody = 256 * 1024;

    private static readonly XmlReaderSettings SafeXml = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 1024 * 1024,
        IgnoreComments = true,
    };

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/wecom/apps/{name}/callback", VerifyUrlAsync)
            .WithDisplayName("WeCom callback URL check")
            .ExcludeFromDescription()
            .AllowAnonymous();
        endpoints.MapPost("/wecom/apps/{name}/callback", ReceiveAsync)
            .WithDisplayName("WeCom callback")
            .ExcludeFromDescription()
            .AllowAnonymous();
    }

    private static async Task<IResult> VerifyUrlAsync(string name, HttpContext http, CancellationToken cancellationToken)
    {
        var (app, crypto, refusal, logger) = await AppAsync(name, http, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var query = http.Request.Query;
        string echo;
        try
        {
            echo = crypto!.VerifyUrl(query["msg_signature"], query["timestamp"], query["nonce"], query["echostr"]);
        }
        catch (WeComCallbackException ex)
        {
            return Refuse(http, logger, name, StatusCodes.Status400BadRequest, Reason(ex, app!), ErrorType(ex));
        }

        Telemetry(http)?.UrlVerified(name);
        LogVerified(logger, name);
        return Results.Text(echo, "text/plain", Encoding.UTF8);
    }

    private static async Task<IResult> ReceiveAsync(string name, HttpContext http, CancellationToken cancellationToken)
    {
        var (app, crypto, refusal, logger) = await AppAsync(name, http, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        if (http.Request.ContentLength > MaxBody)
        {
            return Refuse(http, logger, name, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBody / 1024} KB; a WeCom callback is a few KB.", WeComCallbackTelemetry.TooLarge);
        }

        // Read as bytes into a buffer the size of the body (a callback is well under 1 KB), not a 256 KB one per request:
        // that one was a large-object-heap allocation, zeroed, on every callback (0.5 GB/s at 1,000 callbacks a second).
        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(http.Request.ContentLength ?? 4096, 1, MaxBody + 1L));
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBody)
            {
                return Refuse(http, logger, name, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBody / 1024} KB; a WeCom callback is a few KB.", WeComCallbackTelemetry.TooLarge);
            }
        }

        // UTF-8, a byte order mark skipped (as the StreamReader did).
        var bytes = buffer.WrittenSpan;
        var body = Encoding.UTF8.GetString(bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes);

        var query = http.Request.Query;
        WeComCallbackMessage message;
        byte[] json;
        try
        {
            var plaintext = crypto!.DecryptXml(query["msg_signature"], query["timestamp"], query["nonce"], body);
            message = WeComCallbackMessage.Parse(plaintext);
            json = WeComCallbackJson.From(Load(plaintext));
        }
        catch (WeComCallbackException ex)
        {
            return Refuse(http, logger, name, StatusCodes.Status400BadRequest, Reason(ex, app!), ErrorType(ex));
        }
        catch (XmlException)
        {
            return Refuse(http, logger, name, StatusCodes.Status400BadRequest, "The decrypted callback is not XML with WeCom's fields (ToUserName, FromUserName, CreateTime, MsgType).", WeComCallbackTelemetry.Malformed);
        }

        var appended = await http.RequestServices.GetRequiredService<WeComIngest>().AppendAsync(app!.Name, app.AppId, app.AgentId, message, json, cancellationToken).ConfigureAwait(false);
        Telemetry(http)?.Stored(app.Name, appended.Status != Larkway.Hub.Inbox.InboxAppendStatus.Accepted);

        // An empty body: WeCom sends nothing to the member and does not retry (the bot's answer goes through message/send).
        return Results.Text(string.Empty, "text/plain", Encoding.UTF8);
    }

    private static async Task<(StoredApp? App, WeComCallbackCrypto? Crypto, IResult? Refusal, ILogger Logger)> AppAsync(string name, HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WeComCallbackEndpoint));
        var app = HubAppValidation.IsValidName(name) ? await services.GetRequiredService<HubAppRegistry>().FindAsync(name, cancellationToken).ConfigureAwait(false) : null;
        if (app is null || !app.IsWeCom())
        {
            return (null, null, Refuse(http, logger, name, StatusCodes.Status404NotFound,
                $"The Hub has no WeCom app named '{name}'. Add it (POST /api/v1/apps with platform wecom), or fix the URL in the app's 接收消息 settings.", WeComCallbackTelemetry.UnknownApp), logger);
        }

        if (!app.Enabled || app.Error is not null)
        {
            return (app, null, Refuse(http, logger, name, StatusCodes.Status503ServiceUnavailable, app.Error is null
                ? $"The WeCom app '{name}' is disabled in the Hub; its callbacks are refused until it is enabled again."
                : $"The WeCom app '{name}' cannot verify callbacks: {app.Error}", WeComCallbackTelemetry.Configuration), logger);
        }

        if (app.EncryptKey is null || app.VerificationToken is null)
        {
            return (app, null, Refuse(http, logger, name, StatusCodes.Status503ServiceUnavailable,
                $"The WeCom app '{name}' has no callback Token and EncodingAESKey in the Hub: set verification_token and encrypt_key with PATCH /api/v1/apps/{name} (the same as in the app's 接收消息 settings).", WeComCallbackTelemetry.Configuration), logger);
        }

        try
        {
            // An internal app's messages end with the corp id (WXBizMsgCrypt's ReceiveId); a signed request older than the window is a replay.
            var receiving = new WeComCallbackOptions
            {
                TimestampWindow = services.GetRequiredService<IOptions<HubAppsOptions>>().Value.CallbackTimestampWindow,
                TimeProvider = services.GetRequiredService<TimeProvider>(),
            };
            return (app, new WeComCallbackCrypto(app.VerificationToken, app.EncryptKey, app.AppId, receiving), null, logger);
        }
        catch (Exception ex) when (ex is WeComCallbackException or ArgumentException)
        {
            return (app, null, Refuse(http, logger, name, StatusCodes.Status503ServiceUnavailable,
                $"The WeCom app '{name}' has an EncodingAESKey that is not 43 Base64 characters: set encrypt_key again with PATCH /api/v1/apps/{name}.", WeComCallbackTelemetry.Configuration), logger);
        }
    }

    private static string Reason(WeComCallbackException ex, StoredApp app) => ex.Error switch
    {
        WeComCallbackError.MissingParameter => ex.Message + " WeCom sends msg_signature, timestamp and nonce in the query (and echostr on the URL check).",
        WeComCallbackError.ValidateSignature => "The msg_signature does not match: the Token in the Hub (verification_token) differs from the app's 接收消息 settings, or the request is forged.",
        WeComCallbackError.ValidateReceiveId => $"The callback was encrypted for another corp, not {app.AppId}: check the Hub app's app_id (the corp id).",
        WeComCallbackError.StaleTimestamp => "The timestamp is too far from this Hub's clock (Larkway:Apps:CallbackTimestampWindow): a replayed callback, or a clock that is off — check the Hub's clock.",
        WeComCallbackError.ParseBody => ex.Message,
        _ => $"The callback does not decrypt ({(int)ex.Error}): the EncodingAESKey in the Hub (encrypt_key) differs from the app's 接收消息 settings.",
    };

    private static XmlElement Load(string xml)
    {
        var document = new XmlDocument { XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), SafeXml);
        document.Load(reader);
        return document.DocumentElement ?? throw new XmlException("no root element");
    }

    /// <summary>The metric's reason for a refused request (<see cref="WeComCallbackTelemetry"/>).</summary>
    private static string ErrorType(WeComCallbackException ex) => ex.Error switch
    {
        WeComCallbackError.ValidateSignature => WeComCallbackTelemetry.BadSignature,
        WeComCallbackError.ValidateReceiveId => WeComCallbackTelemetry.WrongCorp,
        WeComCallbackError.StaleTimestamp => WeComCallbackTelemetry.StaleTimestamp,
        WeComCallbackError.MissingParameter or WeComCallbackError.ParseBody => WeComCallbackTelemetry.Malformed,
        _ => WeComCallbackTelemetry.BadEncryption,
    };

    private static WeComCallbackTelemetry? Telemetry(HttpContext http) => http.RequestServices.GetService<WeComCallbackTelemetry>();

    private static ProblemHttpResult Refuse(HttpContext http, ILogger logger, string app, int status, string detail, string errorType)
    {
        // An unknown name is counted under "" (a scanner's made-up names must not each become a metric series).
        Telemetry(http)?.Refused(errorType == WeComCallbackTelemetry.UnknownApp ? "" : app, errorType);
        LogRefused(logger, app, status, detail);
        return TypedResults.Problem(detail: detail, statusCode: status);
    }

    [LoggerMessage(EventId = LogEvents.WeComCallbackRefused, Level = LogLevel.Warning, Message = "WeCom callback for app '{AppName}' refused ({Status}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string appName, int status, string reason);

    [LoggerMessage(EventId = LogEvents.WeComCallbackVerified, Level = LogLevel.Information, Message = "WeCom callback URL of app '{AppName}' verified.")]
    private static partial void LogVerified(ILogger logger, string appName);
}
