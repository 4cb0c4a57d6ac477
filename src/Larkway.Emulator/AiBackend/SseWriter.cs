using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// Writes a Server-Sent Events answer the way Dify and OpenAI do: only <c>data: …</c> lines, each event followed by a
/// blank line, flushed at once. Waits between tokens go through <see cref="WaitAsync"/>, which sends Dify's
/// <c>{"event": "ping"}</c> whenever nothing else was sent for the ping interval (null: no pings, as OpenAI).
/// </summary>
internal sealed class SseWriter(HttpResponse response, TimeProvider clock, TimeSpan? pingInterval)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("data: {\"event\": \"ping\"}\n\n");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WriteAsync(object payload, CancellationToken cancellationToken) => WriteRawAsync(JsonSerializer.Serialize(payload, Json), cancellationToken);

    public async Task WriteRawAsync(string data, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + data + "\n\n"), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits <paramref name="delay"/> (forever when infinite), pinging every ping interval meanwhile.</summary>
    public async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (pingInterval is not { } ping || ping <= TimeSpan.Zero)
        {
            await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
            return;
        }

        var remaining = delay;
        while (remaining == Timeout.InfiniteTimeSpan || remaining >= ping)
        {
            await Task.Delay(ping, clock, cancellationToken).ConfigureAwait(false);
            await response.Body.WriteAsync(Ping, cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (remaining != Timeout.InfiniteTimeSpan)
            {
                remaining -= ping;
            }
        }

        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, clock, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>What both backends share: reading the Bearer key and the JSON body, and writing JSON answers.</summary>
internal static class AiWire
{
    /// <summary>The Bearer credential, or null when the header is missing or not Bearer.</summary>
    public static string? BearerKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length ? header[Scheme.Length..].Trim() : null;
    }

    /// <summary>Whether <paramref name="presented"/> is one of the admitted keys (compared in constant time).</summary>
    public static bool Admits(IReadOnlyList<string> admitted, string? presented)
    {
        if (presented is null)
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(presented);
        var found = false;
        foreach (var key in admitted)
        {
            found |= System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(key));
        }

        return found;
    }

    public static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The body as a JSON object, or null when it is not one.</summary>
    public static JsonElement? ParseObject(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static async Task WriteJsonAsync(HttpResponse response, int status, object body, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(JsonSerializer.Serialize(body, SseWriter.Json), cancellationToken).ConfigureAwait(false);
    }

    public static string? String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Waits until the client gives up (the hang fault), then reports it was hung.</summary>
    public static async Task HangAsync(TimeProvider clock, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away: nothing to answer.
        }
    }
}
