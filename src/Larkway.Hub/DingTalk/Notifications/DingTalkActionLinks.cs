using Larkway.Hub.Notifications;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Larkway.Hub.Platform.Hosting;
using Microsoft.AspNetCore.DataProtection;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// One button sent on DingTalk as a link, for one person: a notification's (which notification, which delivery, which
/// action), or — when <see cref="Bot"/> is set — a bot card's or an assistant answer's, sent without a card template
/// (no notification, delivery 0). The button's text as the person saw it is asked on the confirm page (absent from
/// links made before it was kept).
/// </summary>
internal sealed record DingTalkActionClick(
    [property: JsonPropertyName("n")] string NotificationId,
    [property: JsonPropertyName("d")] long DeliveryId,
    [property: JsonPropertyName("u")] string UserId,
    [property: JsonPropertyName("a")] string Action,
    [property: JsonPropertyName("i")] int Button,
    [property: JsonPropertyName("t")] string? Label = null,
    [property: JsonPropertyName("b")] DingTalkBotPress? Bot = null)
{
    /// <summary>A bot card's button (or an answer's) for <paramref name="userId"/>: its action and the value its press carries.</summary>
    public static DingTalkActionClick ForBot(string app, string userId, string action, JsonObject value, string label) =>
        new("", 0, userId, action, 0, label, new DingTalkBotPress(app, value.ToJsonString()));

    /// <summary>What the log says the link was: the notification's delivery, or the bot's action.</summary>
    public string Describe() => Bot is { } bot ? $"bot card action '{Action}' of app {bot.App}" : $"notification {NotificationId}, delivery {DeliveryId}";
}

/// <summary>
/// A bot card's button carried by a link: the DingTalk app whose bot answers the press, and the button's value (a JSON
/// object with the action, as an interactive card's button params carry it).
/// </summary>
internal sealed record DingTalkBotPress(
    [property: JsonPropertyName("p")] string App,
    [property: JsonPropertyName("v")] string Value);

/// <summary>
/// DingTalk's action cards open links; they do not call back. So each button of a notification sent on DingTalk — and of
/// a bot card or an assistant answer's feedback on an app without a card template — is a link to
/// <c>/dingtalk/actions/{token}</c> on the Hub, made for its recipient: the token is the click itself, encrypted and
/// authenticated with the Hub's Data Protection keys and valid for <see cref="Lifetime"/>, so nobody can forge a click
/// for another notification, person or action. A link names its person but does not prove who holds it (a card can be
/// forwarded, a URL copied): the confirm page acts only for a DingTalk sign-in of that very person
/// (<see cref="DingTalkActionSignIn"/>).
/// </summary>
internal sealed class DingTalkActionLinks(IDataProtectionProvider protection, HubAddress address, TimeProvider time, DingTalkActionLinkOptions options)
{
    /// <summary>The links' path prefix.</summary>
    public const string PathPrefix = "/dingtalk/actions/";

    /// <summary>How long a button works (<see cref="DingTalkActionLinkOptions.Lifetime"/>).</summary>
    public TimeSpan Lifetime => options.Lifetime;

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Larkway.Hub.DingTalk.Notifications.ActionLinks").ToTimeLimitedDataProtector();

    /// <summary>The absolute link of a button for one recipient.</summary>
    public string For(DingTalkActionClick click) =>
        Origin() + PathPrefix + _protector.Protect(JsonSerializer.Serialize(click), time.GetUtcNow() + Lifetime);

    /// <summary>The click a token holds, or null for a token that is forged, damaged or expired.</summary>
    public DingTalkActionClick? Read(string token)
    {
        try
        {
            return JsonSerializer.Deserialize<DingTalkActionClick>(_protector.Unprotect(token, out var expires)) is { } click && expires > time.GetUtcNow() ? click : null;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The public origin (<c>LARKWAY_PUBLIC_URL</c>), else the address the Hub listens on (the sandbox).</summary>
    public string Origin() => address.Origin();
}
