using System.Text.Json.Serialization;
using Larkway.Feishu.Authen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.AspNetCore.Jsapi;

/// <summary>
/// <c>GET pattern?url=…</c>: the <c>h5sdk.config</c> parameters (appId, timestamp in ms, nonceStr, signature) for a page
/// whose origin is allowed, made fresh on every call by <see cref="AuthenClient.CreateH5ConfigAsync"/>. The ticket never
/// leaves the server. Anything else is a problem+json saying what to send or configure.
/// </summary>
internal sealed partial class FeishuJsapiConfigEndpoint
{
    /// <summary>Longer URLs are refused; browsers keep page URLs well below this.</summary>
    public const int MaxUrlLength = 4096;

    private const string ProblemBase = "https://larkway.dev/problems/feishu/";

    private readonly string _pattern;
    private readonly string _appName;
    private readonly HashSet<string> _origins;

    private FeishuJsapiConfigEndpoint(string pattern, string appName, HashSet<string> origins)
    {
        _pattern = pattern;
        _appName = appName;
        _origins = origins;
    }

    /// <summary>The endpoint of these options, or an exception whose message says what to fix.</summary>
    public static FeishuJsapiConfigEndpoint Create(string pattern, FeishuJsapiConfigOptions options)
    {
        if (options.AllowedOrigins.Count == 0)
        {
            throw new InvalidOperationException($"MapFeishuJsapiConfig(\"{pattern}\"): add the origins of your H5 pages to AllowedOrigins (e.g. \"https://h5.example.com\"); an endpoint that signs for any page would let other sites use the app's JSAPIs.");
        }

        var origins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var origin in options.AllowedOrigins)
        {
            origins.Add(OriginOf(origin) ?? throw new InvalidOperationException(
                $"MapFeishuJsapiConfig(\"{pattern}\"): '{origin}' is not an origin; give scheme, host and port only, like \"https://h5.example.com\" or \"http://localhost:5173\"."));
        }

        return new FeishuJsapiConfigEndpoint(pattern, options.AppName ?? string.Empty, origins);
    }

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var values = context.Request.Query["url"];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Problem(context, StatusCodes.Status400BadRequest, "jsapi-url-missing",
                $"Send the page's URL once: GET {_pattern}?url=<encodeURIComponent(location.href.split('#')[0])>.");
        }

        var url = values[0]!;
        if (url.Length > MaxUrlLength)
        {
            return Problem(context, StatusCodes.Status400BadRequest, "jsapi-url-invalid", $"The url is longer than {MaxUrlLength} characters; send the page's location.href without its #fragment.");
        }

        // The page signs the URL it sees, so the string is signed as sent (without a #fragment, as pages send it); the
        // parsed form only decides the origin.
        var page = url.Split('#', 2)[0];
        if (!Uri.TryCreate(page, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.UserInfo.Length > 0)
        {
            return Problem(context, StatusCodes.Status400BadRequest, "jsapi-url-invalid", "The url must be the absolute http(s) URL of the page (location.href without its #fragment).");
        }

        var origin = parsed.GetLeftPart(UriPartial.Authority);
        if (!_origins.Contains(origin))
        {
            LogRefused(Logger(context), _pattern, origin);
            return Problem(context, StatusCodes.Status403Forbidden, "jsapi-origin-not-allowed",
                $"Pages on {origin} are not signed by this endpoint: add \"{origin}\" to AllowedOrigins of MapFeishuJsapiConfig(\"{_pattern}\") if they are yours.");
        }

        H5Config config;
        var client = await context.RequestServices.GetRequiredService<IFeishuClientFactory>().GetClientAsync(_appName, context.RequestAborted).ConfigureAwait(false);
        try
        {
            config = await client.Authen.CreateH5ConfigAsync(page, context.RequestAborted).ConfigureAwait(false);
        }
        catch (FeishuApiException ex)
        {
            LogFeishuFailed(Logger(context), _pattern, client.AppId, ex.Code, ex.RequestId);
            return Problem(context, StatusCodes.Status502BadGateway, "jsapi-ticket-unavailable",
                $"Feishu did not give app {client.AppId} a JSAPI ticket: code {ex.Code}: {ex.ErrorMessage}");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new JsapiConfigAnswer(config.AppId, config.Timestamp, config.NonceStr, config.Signature, page), FeishuJsapiJson.Default.JsapiConfigAnswer);
    }

    /// <summary><c>scheme://host[:port]</c> of an origin as configured (lower case, default port left out), or null.</summary>
    internal static string? OriginOf(string origin) =>
        Uri.TryCreate(origin.TrimEnd('/'), UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.UserInfo.Length == 0
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;

    private static IResult Problem(HttpContext context, int status, string slug, string detail)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Problem(detail: detail, statusCode: status, title: slug.Replace('-', ' '), type: ProblemBase + slug);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Larkway.Feishu.AspNetCore.Jsapi.FeishuJsapiConfig");

    [LoggerMessage(EventId = LogEvents.FeishuJsapiConfigRefused, Level = LogLevel.Debug, Message = "JSAPI config {Pattern}: refused a page on {Origin}, which is not on the allow-list")]
    private static partial void LogRefused(ILogger logger, string pattern, string origin);

    [LoggerMessage(EventId = LogEvents.FeishuJsapiConfigFeishuFailed, Level = LogLevel.Warning, Message = "JSAPI config {Pattern}: Feishu did not give app {AppId} a JSAPI ticket, code {Code} (log id {LogId})")]
    private static partial void LogFeishuFailed(ILogger logger, string pattern, string appId, int code, string? logId);
}

/// <summary>The answer: <c>h5sdk.config</c>'s own names, so a page passes it on as it is.</summary>
internal sealed record JsapiConfigAnswer(string AppId, long Timestamp, string NonceStr, string Signature, string Url);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JsapiConfigAnswer))]
internal sealed partial class FeishuJsapiJson : JsonSerializerContext;
