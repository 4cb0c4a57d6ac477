using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Alerts;

/// <summary>The alerts, bound from <c>Larkway:Alerts</c>: how often rules are evaluated, who is told, and each rule's settings.</summary>
public sealed class AlertOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Alerts";

    /// <summary>False evaluates nothing (open alerts stay as they are). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between evaluations (1 s – 10 min). Default 30 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Who gets the alert cards: one of a directory person, an email, a Feishu chat or open_id, or any recipient the
    /// notifications API takes (<see cref="AlertRecipientOptions.Type"/>). With none, alerts are only listed in the console.
    /// </summary>
    public AlertRecipientOptions Recipient { get; set; } = new();

    /// <summary>The stored app whose bot posts the cards; unset for the configured default app (or, for a person, the app of the platform they are routed to).</summary>
    public string? App { get; set; }

    /// <summary>Per rule (by its configuration name, e.g. <c>ApiErrorRate</c>, or its name, <c>api_error_rate</c>): what differs from its defaults.</summary>
    public Dictionary<string, AlertRuleOptions> Rules { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The configured recipient as a notification recipient, or null.</summary>
    internal NotificationRecipient? NotificationRecipient() => Recipient switch
    {
        { Person: { Length: > 0 } person } => new NotificationRecipient(NotificationRequest.PersonRecipient, person.Trim()),
        { Type: { Length: > 0 } type, Value: { Length: > 0 } value } => new NotificationRecipient(type.Trim(), value.Trim()),
        { ChatId: { Length: > 0 } chat } => new NotificationRecipient("chat_id", chat.Trim()),
        { Email: { Length: > 0 } email } => new NotificationRecipient("email", email.Trim().ToLowerInvariant()),
        { OpenId: { Length: > 0 } openId } => new NotificationRecipient("open_id", openId.Trim()),
        _ => null,
    };

    /// <summary>Every rule of <paramref name="rules"/> with its settings resolved (defaults, then configuration).</summary>
    internal IReadOnlyList<AlertRuleSettings> ResolvedRules(AlertRules rules) =>
    [
        .. rules.All.Select(rule =>
        {
            var configured = Rules.FirstOrDefault(r => rules.Find(r.Key) == rule).Value;
            return new AlertRuleSettings(
                rule,
                configured?.Enabled ?? true,
                configured?.Threshold ?? rule.DefaultThreshold,
                configured?.Window ?? rule.DefaultWindow,
                configured?.MinSamples ?? rule.DefaultMinSamples);
        }),
    ];

}

/// <summary>Who gets the alert cards; set one.</summary>
public sealed class AlertRecipientOptions
{
    /// <summary>A person of the directory (<c>per_…</c>), reached on the platform their routing picks.</summary>
    public string? Person { get; set; }

    /// <summary>
    /// A recipient type the notifications API takes (e.g. <c>dingtalk_userid</c>, <c>wecom_userid</c>), with
    /// <see cref="Value"/>; <see cref="AlertOptions.App"/> names the app of that platform that sends.
    /// </summary>
    public string? Type { get; set; }

    /// <summary>The recipient of <see cref="Type"/>.</summary>
    public string? Value { get; set; }

    /// <summary>A group chat the bot is in (<c>oc_…</c>).</summary>
    public string? ChatId { get; set; }

    /// <summary>A user's email.</summary>
    public string? Email { get; set; }

    /// <summary>A user's open_id for the sending app (<c>ou_…</c>).</summary>
    public string? OpenId { get; set; }
}

/// <summary>One rule's settings; what is not set keeps the rule's default.</summary>
public sealed class AlertRuleOptions
{
    /// <summary>False: not evaluated, and an open alert of it is cleared.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The limit; its unit is the rule's (a count, a percent, seconds or minutes).</summary>
    public double? Threshold { get; set; }

    /// <summary>The window the rule looks back over (1 min – 24 h), for rules that have one.</summary>
    public TimeSpan? Window { get; set; }

    /// <summary>The least calls or events in the window for a rate to count (so one failed call of one is not 100 %).</summary>
    public long? MinSamples { get; set; }
}

/// <summary>
/// Checks <see cref="AlertOptions"/> at start, naming every setting that is wrong and what to put there, all at once. Not
/// the options' own <c>IValidatableObject</c>: the rules a key may name come from the rooms (<see cref="AlertRules"/>).
/// </summary>
internal sealed class AlertOptionsValidator(AlertRules rules) : IValidateOptions<AlertOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options, rules);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static List<string> Problems(AlertOptions options, AlertRules rules)
    {
        var problems = new List<string>();
        const string S = AlertOptions.SectionName;
        if (options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromMinutes(10))
        {
            problems.Add($"{S}:Interval must be from 00:00:01 to 00:10:00 (it is {options.Interval}).");
        }

        var r = options.Recipient ?? new AlertRecipientOptions();
        var set = new[] { r.Person, r.Type ?? r.Value, r.ChatId, r.Email, r.OpenId }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (set > 1)
        {
            problems.Add($"{S}:Recipient: set one of Person, Type (with Value), ChatId, Email and OpenId, not {set}.");
        }

        if (string.IsNullOrWhiteSpace(r.Type) != string.IsNullOrWhiteSpace(r.Value))
        {
            problems.Add($"{S}:Recipient: Type and Value go together, e.g. Type=dingtalk_userid and Value=the person's userid (with App a DingTalk app).");
        }

        if (!string.IsNullOrWhiteSpace(r.Person) && !r.Person.Trim().StartsWith("per_", StringComparison.Ordinal))
        {
            problems.Add($"{S}:Recipient:Person must be a directory person's id (per_…; GET /api/v1/directory/people?email=… finds it).");
        }

        if (!string.IsNullOrWhiteSpace(r.ChatId) && !r.ChatId.Trim().StartsWith("oc_", StringComparison.Ordinal))
        {
            problems.Add($"{S}:Recipient:ChatId must be a chat id (oc_…), the group chat the bot posts alerts in.");
        }

        if (!string.IsNullOrWhiteSpace(r.Email) && !NotificationRequest.LooksLikeEmail(r.Email.Trim()))
        {
            problems.Add($"{S}:Recipient:Email '{r.Email}' is not an email address.");
        }

        if (!string.IsNullOrWhiteSpace(r.OpenId) && !r.OpenId.Trim().StartsWith("ou_", StringComparison.Ordinal))
        {
            problems.Add($"{S}:Recipient:OpenId must be a user's open_id (ou_…).");
        }

        if (options.App is { Length: > 0 } app && !HubAppRegistry.IsDefault(app) && !HubAppValidation.IsValidName(app))
        {
            problems.Add($"{S}:App must be the name of an app added to the Hub, or left out for the default app.");
        }

        foreach (var (key, rule) in options.Rules)
        {
            var known = rules.Find(key);
            if (known is null)
            {
                problems.Add($"{S}:Rules:{key} is not a rule. The rules are: {string.Join(", ", rules.All.Select(a => a.ConfigName))}.");
                continue;
            }

            var at = $"{S}:Rules:{key}";
            if (rule.Threshold is { } threshold && (threshold < known.MinThreshold || threshold > known.MaxThreshold || double.IsNaN(threshold)))
            {
                problems.Add($"{at}:Threshold must be from {known.MinThreshold} to {known.MaxThreshold} ({known.ThresholdUnit}).");
            }

            if (rule.Window is { } window && (!known.HasWindow || window < TimeSpan.FromMinutes(1) || window > TimeSpan.FromHours(24)))
            {
                problems.Add(known.HasWindow
                    ? $"{at}:Window must be from 00:01:00 to 1.00:00:00 (minutes are the smallest step measured)."
                    : $"{at}:Window does not apply: the rule looks at the state now. Leave it out.");
            }

            if (rule.MinSamples is { } min && (!known.HasMinSamples || min < 1))
            {
                problems.Add(known.HasMinSamples
                    ? $"{at}:MinSamples must be at least 1."
                    : $"{at}:MinSamples does not apply to this rule. Leave it out.");
            }
        }

        var duplicates = options.Rules.Keys.GroupBy(rules.Find).Where(g => g.Key is not null && g.Count() > 1);
        foreach (var duplicate in duplicates)
        {
            problems.Add($"{S}:Rules: {string.Join(" and ", duplicate)} are the same rule; configure it once.");
        }

        return problems;
    }
}
