using System.Text;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Events;

/// <summary>The outcome of one POST to a subscriber: success = HTTP 200 within the deadline.</summary>
internal sealed record SendResult(int? StatusCode, string? ResponseBody, string? Error)
{
    public bool Success => StatusCode == 200;
}

/// <summary>
/// POSTs an event body as Feishu does: plain JSON or <c>{"encrypt":…}</c> when the subscription has an
/// encrypt key, with <c>X-Lark-Request-Timestamp</c> (seconds), <c>X-Lark-Request-Nonce</c> and, with an
/// encrypt key, <c>X-Lark-Signature</c>. The connect timeout and the response deadline come from the options.
/// </summary>
internal sealed class EventHttpSender(DeveloperServerClient client, EmulatorOptions options)
{
    public async Task<SendResult> SendAsync(EventSubscription subscription, string plaintext, CancellationToken ct)
    {
        var body = subscription.EncryptKey is { Length: > 0 } key ? EventEncryptor.EncryptedBody(key, plaintext) : plaintext;
        var reply = await client.PostAsync(
            subscription.Url,
            Encoding.UTF8.GetBytes(body),
            (timestamp, nonce, bytes) => subscription.EncryptKey is { Length: > 0 } signingKey ? EventSigner.Sign(timestamp, nonce, signingKey, bytes) : null,
            options.EventDeliveryTimeout,
            ct);
        if (reply.TimedOut)
        {
            return new SendResult(null, null, $"no HTTP 200 within {options.EventDeliveryTimeout.TotalSeconds:0.###} s");
        }

        return reply.StatusCode is { } status
            ? new SendResult(status, reply.Body, status == 200 ? null : $"receiver answered HTTP {status}")
            : new SendResult(null, null, reply.Error);
    }
}
