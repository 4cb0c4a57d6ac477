using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Http;

/// <summary>
/// Reads answers of the OAuth token endpoint (<c>authen/v2/oauth/token</c>). Success is the top-level object with
/// <c>code</c> 0; a failure is <c>{"code":20050,"error":"server_error","error_description":"…"}</c> with HTTP 400, 500
/// or 503, where <c>code</c> is documented as a string and shown as a number (the probe reads both).
/// </summary>
internal static class OAuthResponseReader
{
    public static async ValueTask<T> ReadAsync<T>(HttpResponseMessage response, HttpRequestMessage request, JsonTypeInfo<T> info, CancellationToken cancellationToken)
    {
        var probe = await FeishuResponseProbe.GetAsync(response, cancellationToken).ConfigureAwait(false);
        if (!probe.IsJson || probe.MalformedJson)
        {
            throw FeishuPipeline.NotAnEnvelope(response, request, probe);
        }

        if (response.IsSuccessStatusCode && probe.Code is 0 or null)
        {
            try
            {
                return JsonSerializer.Deserialize(probe.Body, info) ?? throw new JsonException("null body");
            }
            catch (JsonException ex)
            {
                throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                    $"The response of {FeishuPipeline.Describe(request)} does not have the documented shape: {ex.Message}", response.StatusCode, probe.LogId, ex);
            }
        }

        throw CreateException(response, request, probe);
    }

    private static FeishuApiException CreateException(HttpResponseMessage response, HttpRequestMessage request, FeishuResponseProbe probe)
    {
        OAuthErrorWire? error = null;
        try
        {
            error = JsonSerializer.Deserialize(probe.Body, FeishuJson.Context.OAuthErrorWire);
        }
        catch (JsonException)
        {
            // A field of an unexpected type: the code the probe found still says what went wrong.
        }

        // A 2xx with a non-zero code is a failure too; no code at all on a failure status says nothing usable.
        var code = probe.Code is { } c and not 0 ? c : FeishuErrorCodes.MalformedResponse;
        var message = error?.ErrorDescription is { Length: > 0 } description ? description
            : error?.Msg is { Length: > 0 } msg ? msg
            : error?.Error is { Length: > 0 } kind ? kind
            : $"HTTP {(int)response.StatusCode} from {FeishuPipeline.Describe(request)}";
        return new FeishuApiException(code, message, response.StatusCode, probe.LogId)
        {
            OAuthError = error?.Error is { Length: > 0 } oauthError ? oauthError : null,
            RetryAfter = FeishuResponseProbe.RateLimitReset(response),
        };
    }
}

/// <summary>The failure fields of an OAuth answer (<c>code</c> is read by the probe, whatever its JSON type).</summary>
internal sealed class OAuthErrorWire
{
    public string? Error { get; set; }

    public string? ErrorDescription { get; set; }

    public string? Msg { get; set; }
}
