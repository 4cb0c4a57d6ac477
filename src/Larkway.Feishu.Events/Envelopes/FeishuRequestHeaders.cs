namespace Larkway.Feishu.Events.Envelopes;

/// <summary>The signing headers of an inbound request (<c>X-Lark-Request-Timestamp</c>, <c>X-Lark-Request-Nonce</c>, <c>X-Lark-Signature</c>).</summary>
public readonly record struct FeishuRequestHeaders(string? Timestamp, string? Nonce, string? Signature)
{
    /// <summary>True when a signature header is present and not empty.</summary>
    public bool HasSignature => !string.IsNullOrEmpty(Signature);
}
