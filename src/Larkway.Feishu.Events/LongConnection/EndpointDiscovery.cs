using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>Where to connect, as the discovery endpoint said.</summary>
/// <param name="Url">The WebSocket URL. It carries credentials (access key, ticket): never log it.</param>
/// <param name="ConnectionId">The URL's <c>device_id</c>, the connection's id in logs.</param>
/// <param name="ServiceId">The URL's <c>service_id</c>, copied into every frame the client sends.</param>
/// <param name="ClientConfig">The <c>ClientConfig</c> object, if the answer had one.</param>
internal sealed record DiscoveredEndpoint(Uri Url, string ConnectionId, int ServiceId, JsonElement? ClientConfig);

/// <summary>
/// <c>POST {BaseUrl}/callback/ws/endpoint</c> with <c>{"AppID","AppSecret"}</c>. Plain <see cref="HttpClient"/>:
/// this library does not depend on the API client.
/// </summary>
internal static class EndpointDiscovery
{
    public const string Path = "callback/ws/endpoint";

    /// <summary>"System busy": retry.</summary>
    public const int CodeSystemBusy = 1;

    /// <summary>"Internal error": retry.</summary>
    public const int CodeInternalError = 1000040343;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <exception cref="FeishuLongConnectionException">Fatal (<see cref="FeishuLongConnectionErrorReason.DiscoveryRejected"/>) or retryable (<see cref="FeishuLongConnectionErrorReason.DiscoveryFailed"/>).</exception>
    public static async Task<DiscoveredEndpoint> DiscoverAsync(
        HttpClient http, FeishuLongConnectionOptions options, CancellationToken cancellationToken)
    {
        var baseUrl = options.BaseUrl.AbsoluteUri;
        var url = new Uri(baseUrl.EndsWith('/') ? baseUrl + Path : baseUrl + "/" + Path);

        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.TryAddWithoutValidation("locale", "zh");
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string> { ["AppID"] = options.AppId, ["AppSecret"] = options.AppSecret },
            LongConnectionJsonContext.Default.DictionaryStringString));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var timeout = new CancellationTokenSource(Timeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        byte[] body;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                throw Retryable($"the endpoint discovery answered HTTP {(int)status}", (int)status);
            }

            body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Retryable($"the endpoint discovery timed out after {Timeout.TotalSeconds:0} s", null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw Retryable($"the endpoint discovery request failed: {ex.Message}", null, ex);
        }

        return Parse(body);
    }

    internal static DiscoveredEndpoint Parse(ReadOnlySpan<byte> body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw Retryable("the endpoint discovery answer is not JSON", null, ex);
        }

        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("code", out var codeElement)
            || !codeElement.TryGetInt32(out var code))
        {
            throw Retryable("the endpoint discovery answer has no code", null);
        }

        var msg = root.TryGetProperty("msg", out var msgElement) && msgElement.ValueKind == JsonValueKind.String
            ? msgElement.GetString()
            : null;

        if (code is CodeSystemBusy or CodeInternalError)
        {
            throw Retryable($"the endpoint discovery answered code {code} ({msg})", code);
        }

        if (code != 0)
        {
            throw new FeishuLongConnectionException(
                FeishuLongConnectionErrorReason.DiscoveryRejected,
                $"The Feishu long-connection endpoint discovery refused the app: code {code} ({msg}). Check the app id and secret, and that the app subscribes to events by long connection.",
                code);
        }

        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("URL", out var urlElement) || urlElement.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(urlElement.GetString(), UriKind.Absolute, out var url)
            || url.Scheme is not ("ws" or "wss"))
        {
            throw Retryable("the endpoint discovery answer has no usable WebSocket URL", null);
        }

        var query = ParseQuery(url.Query);
        if (!query.TryGetValue("service_id", out var serviceText)
            || !int.TryParse(serviceText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var serviceId))
        {
            throw Retryable("the WebSocket URL has no service_id", null);
        }

        var connectionId = query.TryGetValue("device_id", out var device) ? device : "";
        JsonElement? clientConfig = data.TryGetProperty("ClientConfig", out var config) && config.ValueKind == JsonValueKind.Object
            ? config
            : null;
        return new DiscoveredEndpoint(url, connectionId, serviceId, clientConfig);
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            result.TryAdd(key, value);
        }

        return result;
    }

    private static FeishuLongConnectionException Retryable(string what, int? code, Exception? inner = null) =>
        new(FeishuLongConnectionErrorReason.DiscoveryFailed, $"The Feishu long-connection endpoint discovery failed: {what}.", code, inner);
}
