using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Larkway.Feishu.Http;

/// <summary>
/// What the app's frame needs from a response without deserialising it: the envelope's <c>code</c>
/// and the log id. JSON bodies are read once, scanned, and kept for the envelope's deserialisation;
/// other bodies are left untouched (downloads stream).
/// </summary>
internal sealed class FeishuResponseProbe : IDisposable
{
    private bool? _malformedJson;

    private FeishuResponseProbe(HttpResponseMessage response, bool isJson, byte[]? body, int? code, string? logId, bool? malformedJson)
    {
        Response = response;
        IsJson = isJson;
        Body = body;
        Code = code;
        LogId = logId;
        _malformedJson = malformedJson;
    }

    public HttpResponseMessage Response { get; }

    /// <summary>The content type says JSON.</summary>
    public bool IsJson { get; }

    /// <summary>The JSON body as read, so the envelope is deserialised from it without reading the content again.</summary>
    public byte[]? Body { get; }

    /// <summary>Top-level <c>code</c>, when the body is JSON and has one.</summary>
    public int? Code { get; }

    /// <summary><c>X-Tt-Logid</c>, else <c>X-Request-Id</c>, else <c>error.log_id</c>.</summary>
    public string? LogId { get; }

    /// <summary>
    /// The content type said JSON but the body did not parse. Checked to the end only when asked, if the
    /// scan stopped at <c>code</c>: a success is deserialised anyway, which reads every byte of it.
    /// </summary>
    public bool MalformedJson => _malformedJson ??= !TryScan(Body, stopAtCode: false, out _, out _, out _);

    /// <summary>Disposes the response: an attempt's answer that the retries drop for the next.</summary>
    public void Dispose() => Response.Dispose();

    /// <summary>Probes <paramref name="response"/>, or returns the probe already made for it.</summary>
    public static ValueTask<FeishuResponseProbe> GetAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.RequestMessage is FeishuRequestMessage { Probe: { } cached } && ReferenceEquals(cached.Response, response)
            ? new ValueTask<FeishuResponseProbe>(cached)
            : ProbeAsync(response, cancellationToken);

    private static async ValueTask<FeishuResponseProbe> ProbeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headerLogId = HeaderLogId(response);
        var isJson = IsJsonContent(response.Content.Headers.ContentType);
        int? code = null;
        string? bodyLogId = null;
        byte[]? body = null;
        bool? malformed = false;
        if (isJson)
        {
            // Buffers the content once (HttpClient's own buffering then has nothing left to do). With a log id
            // in the headers only the code is wanted from the body, and it comes first: the rest is not scanned.
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var scanned = TryScan(body, stopAtCode: headerLogId is not null, out code, out bodyLogId, out var complete);
            malformed = !scanned ? true : complete ? false : null;
        }

        var probe = new FeishuResponseProbe(response, isJson, body, code, headerLogId ?? bodyLogId, malformed);
        if (response.RequestMessage is FeishuRequestMessage message)
        {
            message.Probe = probe;
        }

        return probe;
    }

    public static bool IsJsonContent(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The log id headers, in the order the official SDKs read them.</summary>
    public static string? HeaderLogId(HttpResponseMessage response) =>
        FirstHeader(response, "X-Tt-Logid") ?? FirstHeader(response, "X-Request-Id");

    /// <summary>Seconds from <c>x-ogw-ratelimit-reset</c>, when present and sane.</summary>
    public static TimeSpan? RateLimitReset(HttpResponseMessage response) =>
        FirstHeader(response, "x-ogw-ratelimit-reset") is { } value
        && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < 86_400
            ? TimeSpan.FromSeconds(seconds)
            : null;

    // The raw values, without the validating parse and the array TryGetValues would allocate.
    private static string? FirstHeader(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    return value;
                }
            }
        }

        return null;
    }

    // Reads only the top-level "code" and "error.log_id"; skips everything else. False when what it read
    // is not JSON; complete when it read to the end (not stopped at the code).
    private static bool TryScan(ReadOnlySpan<byte> json, bool stopAtCode, out int? code, out string? logId, out bool complete)
    {
        code = null;
        logId = null;
        complete = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    code = reader.TokenType switch
                    {
                        JsonTokenType.Number when reader.TryGetInt32(out var n) => n,
                        JsonTokenType.String when int.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
                        _ => code,
                    };
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }

                    if (stopAtCode && code is not null)
                    {
                        return true;
                    }
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        logId = ScanLogId(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            complete = true;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? ScanLogId(ref Utf8JsonReader reader)
    {
        string? logId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isLogId = reader.ValueTextEquals("log_id"u8) || reader.ValueTextEquals("logid"u8);
            reader.Read();
            if (isLogId && reader.TokenType == JsonTokenType.String)
            {
                logId = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return logId;
    }
}
