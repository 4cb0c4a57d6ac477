namespace Larkway.Hub.Apps;

/// <summary>The rules of a WeCom app's AI bot fields (<c>ai_bot_id</c>, <c>ai_bot_secret</c>, <c>ai_bot_url</c>).</summary>
public static partial class HubAppValidation
{
    /// <summary>
    /// Checks the AI bot fields. Only a WeCom app has them. On add, a bot id needs its secret (and a secret or URL a bot
    /// id); on update, null keeps a field, an empty <c>ai_bot_id</c> removes the bot and an empty <c>ai_bot_url</c>
    /// restores WeCom's own endpoint. Returns the trimmed values ("" for a field to clear).
    /// </summary>
    internal static (string? Id, string? Secret, string? Url) CheckAiBot(HubAppInput input, string? platform, bool adding, List<HubAppProblem> problems)
    {
        if (input.AiBotId is null && input.AiBotSecret is null && input.AiBotUrl is null)
        {
            return (null, null, null);
        }

        if (!HubAppPlatform.IsWeCom(platform))
        {
            var field = input.AiBotId is not null ? "ai_bot_id" : input.AiBotSecret is not null ? "ai_bot_secret" : "ai_bot_url";
            problems.Add(new(field, "Only WeCom apps have an AI bot (智能机器人); set platform to wecom, or leave the ai_bot_* fields out."));
            return (null, null, null);
        }

        var id = input.AiBotId?.Trim();
        if (id is { Length: > 0 } && (id.Length > MaxAppIdLength || id.Any(c => c <= ' ' || c > '~')))
        {
            problems.Add(new("ai_bot_id", $"The AI bot's Bot ID: at most {MaxAppIdLength} printable characters without spaces (WeCom admin console → 应用管理 → 智能机器人 → the bot → API mode: long connection)."));
            id = null;
        }

        var secret = input.AiBotSecret;
        if (secret is { Length: > 0 } && (secret.Length > MaxSecretLength || secret.Any(c => c <= ' ' || c > '~')))
        {
            problems.Add(new("ai_bot_secret", $"The AI bot's Secret: at most {MaxSecretLength} printable ASCII characters without spaces (the bot's page, API mode: long connection)."));
            secret = null;
        }

        var url = input.AiBotUrl?.Trim();
        if (url is { Length: > 0 } && (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("wss" or "ws")))
        {
            problems.Add(new("ai_bot_url", "An absolute ws:// or wss:// URL (leave it out for WeCom's own wss://openws.work.weixin.qq.com; the Emulator's is ws://host:port/wecom-aibot/ws)."));
            url = null;
        }

        if (adding && id is { Length: > 0 } && string.IsNullOrEmpty(input.AiBotSecret))
        {
            problems.Add(new("ai_bot_secret", "Required with ai_bot_id: the AI bot's Secret (the bot's page in the WeCom admin console, API mode: long connection)."));
        }

        if ((adding || input.AiBotId is not null) && string.IsNullOrEmpty(input.AiBotId) && (!string.IsNullOrEmpty(input.AiBotSecret) || !string.IsNullOrEmpty(input.AiBotUrl)))
        {
            problems.Add(new("ai_bot_id", "Required with ai_bot_secret or ai_bot_url: the AI bot's Bot ID (an empty ai_bot_id removes the bot)."));
        }

        return (id, secret, url);
    }
}
