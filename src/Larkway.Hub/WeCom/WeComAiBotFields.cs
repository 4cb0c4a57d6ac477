using Larkway.Hub.Apps;

namespace Larkway.Hub.WeCom;

/// <summary>The rules of a WeCom app's AI bot fields (<c>ai_bot_id</c>, <c>ai_bot_secret</c>, <c>ai_bot_url</c>).</summary>
internal static class WeComAiBotFields
{
    /// <summary>
    /// Checks the AI bot fields. On add, a bot id needs its secret (and a secret or URL a bot id); on update, null keeps a
    /// field, an empty <c>ai_bot_id</c> removes the bot and an empty <c>ai_bot_url</c> restores WeCom's own endpoint.
    /// Sets the trimmed values ("" for a field to clear) on <paramref name="check"/>.
    /// </summary>
    internal static void Check(HubAppCheck check)
    {
        var input = check.Input;
        if (input.AiBotId is null && input.AiBotSecret is null && input.AiBotUrl is null)
        {
            return;
        }

        var id = input.AiBotId?.Trim();
        if (id is { Length: > 0 } && (id.Length > HubAppValidation.MaxAppIdLength || id.Any(c => c <= ' ' || c > '~')))
        {
            check.Problem("ai_bot_id", $"The AI bot's Bot ID: at most {HubAppValidation.MaxAppIdLength} printable characters without spaces (WeCom admin console → 应用管理 → 智能机器人 → the bot → API mode: long connection).");
            id = null;
        }

        var secret = input.AiBotSecret;
        if (secret is { Length: > 0 } && (secret.Length > HubAppValidation.MaxSecretLength || secret.Any(c => c <= ' ' || c > '~')))
        {
            check.Problem("ai_bot_secret", $"The AI bot's Secret: at most {HubAppValidation.MaxSecretLength} printable ASCII characters without spaces (the bot's page, API mode: long connection).");
            secret = null;
        }

        var url = input.AiBotUrl?.Trim();
        if (url is { Length: > 0 } && (url.Length > HubAppValidation.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("wss" or "ws")))
        {
            check.Problem("ai_bot_url", "An absolute ws:// or wss:// URL (leave it out for WeCom's own wss://openws.work.weixin.qq.com; the Emulator's is ws://host:port/wecom-aibot/ws).");
            url = null;
        }

        if (check.Adding && id is { Length: > 0 } && string.IsNullOrEmpty(input.AiBotSecret))
        {
            check.Problem("ai_bot_secret", "Required with ai_bot_id: the AI bot's Secret (the bot's page in the WeCom admin console, API mode: long connection).");
        }

        if ((check.Adding || input.AiBotId is not null) && string.IsNullOrEmpty(input.AiBotId) && (!string.IsNullOrEmpty(input.AiBotSecret) || !string.IsNullOrEmpty(input.AiBotUrl)))
        {
            check.Problem("ai_bot_id", "Required with ai_bot_secret or ai_bot_url: the AI bot's Bot ID (an empty ai_bot_id removes the bot).");
        }

        (check.AiBotId, check.AiBotSecret, check.AiBotUrl) = (id, secret, url);
    }
}
