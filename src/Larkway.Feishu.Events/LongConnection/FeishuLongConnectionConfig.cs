using System.Text.Json;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// The server-controlled settings of a long connection (the wire's <c>ClientConfig</c>): how to reconnect
/// and how often to ping. The endpoint discovery response sets them and a pong may overwrite them live.
/// </summary>
/// <param name="ReconnectCount">Reconnect attempts after a disconnect; -1 retries forever.</param>
/// <param name="ReconnectInterval">The pause between two reconnect attempts.</param>
/// <param name="ReconnectNonce">The first reconnect attempt waits a random time in [0, this).</param>
/// <param name="PingInterval">How often the client pings.</param>
public sealed record FeishuLongConnectionConfig(
    int ReconnectCount,
    TimeSpan ReconnectInterval,
    TimeSpan ReconnectNonce,
    TimeSpan PingInterval)
{
    /// <summary>The smallest ping interval applied, whatever the server says (a 0 would be a tight ping loop).</summary>
    public static readonly TimeSpan MinPingInterval = TimeSpan.FromSeconds(1);

    /// <summary>The SDK defaults used until the server sends its own: retry forever, 120 s apart, 30 s jitter, ping every 120 s.</summary>
    public static FeishuLongConnectionConfig Default { get; } =
        new(-1, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120));

    /// <summary>
    /// Overlays a wire <c>ClientConfig</c> object (PascalCase, whole seconds) on this config. Fields that are
    /// absent or not numbers keep their value. A ping interval of 0 or less is ignored rather than applied:
    /// the official SDKs would ping in a tight loop. Negative intervals become 0; counts below -1 become -1.
    /// </summary>
    internal FeishuLongConnectionConfig Overlay(JsonElement clientConfig, out bool ignoredPingInterval)
    {
        ignoredPingInterval = false;
        if (clientConfig.ValueKind != JsonValueKind.Object)
        {
            return this;
        }

        var result = this;
        if (TryGetInt(clientConfig, "ReconnectCount", out var count))
        {
            result = result with { ReconnectCount = count < -1 ? -1 : count };
        }

        if (TryGetInt(clientConfig, "ReconnectInterval", out var interval))
        {
            result = result with { ReconnectInterval = TimeSpan.FromSeconds(Math.Max(0, interval)) };
        }

        if (TryGetInt(clientConfig, "ReconnectNonce", out var nonce))
        {
            result = result with { ReconnectNonce = TimeSpan.FromSeconds(Math.Max(0, nonce)) };
        }

        if (TryGetInt(clientConfig, "PingInterval", out var ping))
        {
            if (ping <= 0)
            {
                ignoredPingInterval = true;
            }
            else
            {
                result = result with { PingInterval = Clamp(TimeSpan.FromSeconds(ping)) };
            }
        }

        return result;
    }

    /// <summary>This config with a ping interval no shorter than <see cref="MinPingInterval"/>.</summary>
    internal FeishuLongConnectionConfig Normalized() =>
        this with
        {
            ReconnectCount = ReconnectCount < -1 ? -1 : ReconnectCount,
            ReconnectInterval = ReconnectInterval < TimeSpan.Zero ? TimeSpan.Zero : ReconnectInterval,
            ReconnectNonce = ReconnectNonce < TimeSpan.Zero ? TimeSpan.Zero : ReconnectNonce,
            PingInterval = Clamp(PingInterval),
        };

    private static TimeSpan Clamp(TimeSpan ping) => ping < MinPingInterval ? MinPingInterval : ping;

    private static bool TryGetInt(JsonElement element, string name, out int value)
    {
        value = 0;
        if (!element.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        if (property.TryGetInt32(out value))
        {
            return true;
        }

        // Out of int range: saturate instead of failing the whole config.
        if (property.TryGetDouble(out var d))
        {
            value = d > 0 ? int.MaxValue : int.MinValue;
            return true;
        }

        return false;
    }
}
