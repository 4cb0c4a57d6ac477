using Microsoft.Extensions.Options;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// <c>Larkway:DingTalk:NotificationCards</c>: which DingTalk apps send notifications as interactive cards, and from which
/// template. An app named in <see cref="Templates"/> delivers each notification as a card instance of that template
/// (<see cref="DingTalkInteractiveCards"/>): its buttons call back to the Hub over the app's Stream connection, a decision
/// shows on the card, and a changed notification updates the card in place. Any other DingTalk app sends an action card
/// whose buttons open the Hub's confirm page. The same template carries the bot's cards and the feedback card under an
/// assistant's answer (<see cref="DingTalkBotCards"/>): without one, those are markdown.
/// </summary>
public sealed class DingTalkNotificationCardOptions
{
    /// <summary>The section.</summary>
    public const string SectionName = "Larkway:DingTalk:NotificationCards";

    /// <summary>The template the sandbox's DingTalk app uses (the Emulator accepts any template id).</summary>
    public const string SandboxTemplateId = "larkway-notification.schema";

    /// <summary>Longest template id accepted (DingTalk's card platform ids are a UUID and <c>.schema</c>).</summary>
    public const int MaxTemplateIdLength = 128;

    /// <summary>
    /// The card template of each app, by the app's name in the Hub: built in DingTalk's card platform with the variables
    /// <c>title</c>, <c>markdown</c>, <c>buttons</c> and <c>decision</c> (docs/hub-notifications.md says how).
    /// </summary>
    public Dictionary<string, string> Templates { get; } = new(StringComparer.Ordinal);

    /// <summary>The template of <paramref name="appName"/>, or null when the app sends action cards.</summary>
    public string? TemplateOf(string appName) => Templates.TryGetValue(appName, out var template) && !string.IsNullOrWhiteSpace(template) ? template.Trim() : null;
}

/// <summary>Refuses template ids that cannot be DingTalk's, naming the setting.</summary>
internal sealed class DingTalkNotificationCardOptionsValidator : IValidateOptions<DingTalkNotificationCardOptions>
{
    public ValidateOptionsResult Validate(string? name, DingTalkNotificationCardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bad = options.Templates.FirstOrDefault(t => t.Value.Trim().Length is 0 or > DingTalkNotificationCardOptions.MaxTemplateIdLength);
        return bad.Key is null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{DingTalkNotificationCardOptions.SectionName}:Templates:{bad.Key} must be a DingTalk card template id of 1–{DingTalkNotificationCardOptions.MaxTemplateIdLength} characters (from DingTalk's card platform, e.g. xxxx-xxxx.schema).");
    }
}
