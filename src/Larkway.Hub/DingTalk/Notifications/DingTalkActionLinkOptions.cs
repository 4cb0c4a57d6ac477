using Microsoft.Extensions.Options;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// <c>Larkway:DingTalk:ActionLinks</c>: how long a DingTalk notification's button works, and how long a person's DingTalk
/// sign-in on the confirm page lasts before DingTalk is asked again.
/// </summary>
public sealed class DingTalkActionLinkOptions
{
    /// <summary>The section.</summary>
    public const string SectionName = "Larkway:DingTalk:ActionLinks";

    /// <summary>
    /// How long a button works after the notification was sent (3 days: a decision sent on a Friday evening is still open
    /// on Monday morning; a link kept longer is only a longer-lived thing to leak).
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long the confirm page trusts a DingTalk sign-in (a cookie for the action links only).</summary>
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Refuses lifetimes that cannot work, naming the setting.</summary>
internal sealed class DingTalkActionLinkOptionsValidator : IValidateOptions<DingTalkActionLinkOptions>
{
    public ValidateOptionsResult Validate(string? name, DingTalkActionLinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Lifetime < TimeSpan.FromMinutes(5) || options.Lifetime > TimeSpan.FromDays(30))
        {
            return ValidateOptionsResult.Fail($"{DingTalkActionLinkOptions.SectionName}:Lifetime must be between 00:05:00 and 30.00:00:00 (it is {options.Lifetime}).");
        }

        return options.SignInLifetime < TimeSpan.FromMinutes(1) || options.SignInLifetime > TimeSpan.FromHours(12)
            ? ValidateOptionsResult.Fail($"{DingTalkActionLinkOptions.SectionName}:SignInLifetime must be between 00:01:00 and 12:00:00 (it is {options.SignInLifetime}).")
            : ValidateOptionsResult.Success;
    }
}
