using System.Text.Json.Serialization;

namespace Larkway.Hub.Assistants.Configuration;

/// <summary>
/// Who may use an assistant, where, and what happens to strangers (the <c>policy</c> of an assistant). Lists left empty
/// do not restrict. Answering another bot is never allowed (the loop guard is not a setting).
/// </summary>
public sealed record AssistantPolicy
{
    /// <summary>Who may use it anywhere: people (<c>per_…</c> ids or emails) and departments; empty lists let everyone in.</summary>
    public AssistantAudience Access { get; set; } = new();

    /// <summary><c>open</c> (the default), <c>allowlist</c> (only <see cref="DirectMessageAllowlist"/>) or <c>disabled</c>.</summary>
    public string DirectMessages { get; set; } = AssistantPolicyValues.Open;

    /// <summary>Who may write to it directly when <see cref="DirectMessages"/> is <c>allowlist</c>.</summary>
    public AssistantAudience DirectMessageAllowlist { get; set; } = new();

    /// <summary>How it behaves in group chats.</summary>
    public AssistantGroupPolicy Groups { get; set; } = new();

    /// <summary>
    /// A sender linked to no person: <c>guest</c> (answered, in a session of their own account), <c>link</c> (the default:
    /// told how to link their account, with <c>/link</c>) or <c>refuse</c> (told it is for members only).
    /// </summary>
    public string UnknownUsers { get; set; } = AssistantPolicyValues.Link;

    /// <summary>Commands only some people may run: command name (without the slash) → who.</summary>
    public Dictionary<string, AssistantAudience> Commands { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The same policy with every member a JSON <c>null</c> left empty at its default.</summary>
    internal AssistantPolicy Normalized() => new()
    {
        Access = (Access ?? new()).Normalized(),
        DirectMessages = DirectMessages ?? AssistantPolicyValues.Open,
        DirectMessageAllowlist = (DirectMessageAllowlist ?? new()).Normalized(),
        Groups = (Groups ?? new()).Normalized(),
        UnknownUsers = UnknownUsers ?? AssistantPolicyValues.Link,
        Commands = (Commands ?? []).ToDictionary(c => c.Key, c => (c.Value ?? new()).Normalized(), StringComparer.Ordinal),
    };
}

/// <summary>A set of people and departments.</summary>
public sealed record AssistantAudience
{
    /// <summary>People: the directory's <c>per_…</c> ids, or emails.</summary>
    public List<string> People { get; set; } = [];

    /// <summary>Departments: the directory's department ids; members of their sub-departments count.</summary>
    public List<string> Departments { get; set; } = [];

    /// <summary>True when nobody is named (no restriction where an empty audience means everyone).</summary>
    [JsonIgnore]
    public bool IsEmpty => People.Count == 0 && Departments.Count == 0;

    internal AssistantAudience Normalized() => new() { People = [.. (People ?? []).Where(p => p is not null)], Departments = [.. (Departments ?? []).Where(d => d is not null)] };
}

/// <summary>How an assistant behaves in group chats.</summary>
public sealed record AssistantGroupPolicy
{
    /// <summary><c>mention</c> (the default: only when @-mentioned), <c>all</c> (every message) or <c>disabled</c>.</summary>
    public string Mode { get; set; } = AssistantPolicyValues.Mention;

    /// <summary>Whether an @all (@所有人) counts as mentioning it; false by default.</summary>
    public bool AnswerAtAll { get; set; }

    /// <summary>The groups it answers in (platform conversation ids); empty: any group it is in.</summary>
    public List<string> Allowed { get; set; } = [];

    internal AssistantGroupPolicy Normalized() => new() { Mode = Mode ?? AssistantPolicyValues.Mention, AnswerAtAll = AnswerAtAll, Allowed = [.. (Allowed ?? []).Where(g => g is not null)] };
}

/// <summary>How conversations continue.</summary>
public sealed record AssistantSessionSettings
{
    /// <summary>
    /// <c>person</c> (the default: one session per person, continuing across platforms and chats), <c>conversation</c>
    /// (per chat) or <c>thread</c> (per thread or topic, else per chat).
    /// </summary>
    public string Mode { get; set; } = AssistantPolicyValues.Person;

    /// <summary>How long a session lasts without a question, in hours (1–8,760); 168 (7 days) by default.</summary>
    public int TtlHours { get; set; } = 168;

    /// <summary>Prior turns sent to an OpenAI-compatible backend with each question (0–50); 10 by default.</summary>
    public int HistoryTurns { get; set; } = 10;

    internal AssistantSessionSettings Normalized() => new() { Mode = Mode ?? AssistantPolicyValues.Person, TtlHours = TtlHours, HistoryTurns = HistoryTurns };
}

/// <summary>What is masked in which direction.</summary>
public sealed record AssistantMaskingSettings
{
    /// <summary>Detectors applied to questions before the backend sees them (reversible placeholders); all four by default.</summary>
    public List<string> ToBackend { get; set; } = [.. AssistantPolicyValues.Detectors];

    /// <summary>
    /// Detectors applied to answers before a platform shows them (display masking, streamed updates too); phones, resident
    /// ids and bank cards by default (<see cref="AssistantPolicyValues.PlatformDetectors"/>). Not given (absent or null):
    /// the default; an empty list: nothing is masked toward the platform.
    /// </summary>
    public List<string> ToPlatform { get; set; } = [.. AssistantPolicyValues.PlatformDetectors];

    internal AssistantMaskingSettings Normalized() => new()
    {
        ToBackend = [.. (ToBackend ?? [.. AssistantPolicyValues.Detectors]).Where(d => d is not null)],
        ToPlatform = [.. (ToPlatform ?? [.. AssistantPolicyValues.PlatformDetectors]).Where(d => d is not null)],
    };
}

/// <summary>How answers stream and how long the backend may take.</summary>
public sealed record AssistantStreamingSettings
{
    /// <summary>The least time between two updates of one answer, in milliseconds (100–10,000); 500 by default.</summary>
    public int UpdateIntervalMs { get; set; } = 500;

    /// <summary>How long to wait for the first text, in seconds (1–600); 60 by default.</summary>
    public int FirstTokenTimeoutSeconds { get; set; } = 60;

    /// <summary>How long a whole answer may take, in seconds (10–3,600); 300 by default.</summary>
    public int AnswerTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// The DingTalk AI card template (built in DingTalk's card platform, with a streaming <c>content</c> variable and
    /// <c>flowStatus</c>) that answers stream into on DingTalk; without one (null, the default) DingTalk answers come as a
    /// short "thinking" text, then the answer in markdown. Checked by DingTalk's room (an <see cref="IAssistantSettingsCheck"/>).
    /// </summary>
    [JsonPropertyName("dingtalk_card_template_id")]
    public string? AiCardTemplateId { get; set; }
}

/// <summary>The words the settings use.</summary>
public static class AssistantPolicyValues
{
    /// <summary>Backends.</summary>
    public const string Dify = "dify", OpenAi = "openai";

    /// <summary>Direct-message modes.</summary>
    public const string Open = "open", Allowlist = "allowlist", Disabled = "disabled";

    /// <summary>Group modes (with <see cref="Disabled"/>).</summary>
    public const string Mention = "mention", All = "all";

    /// <summary>Unknown-user policies.</summary>
    public const string Guest = "guest", Link = "link", Refuse = "refuse";

    /// <summary>Session modes.</summary>
    public const string Person = "person", Conversation = "conversation", Thread = "thread";

    /// <summary>The masking detectors.</summary>
    public static readonly IReadOnlyList<string> Detectors = ["china_mobile", "resident_id", "bank_card", "email"];

    /// <summary>The detectors masking answers toward the platform by default: a person's phone, identity and bank card numbers.</summary>
    public static readonly IReadOnlyList<string> PlatformDetectors = ["china_mobile", "resident_id", "bank_card"];

    /// <summary>The backends.</summary>
    public static readonly IReadOnlyList<string> Backends = [Dify, OpenAi];

    internal static readonly IReadOnlyList<string> DirectMessageModes = [Open, Allowlist, Disabled];

    internal static readonly IReadOnlyList<string> GroupModes = [Mention, All, Disabled];

    internal static readonly IReadOnlyList<string> UnknownUserPolicies = [Guest, Link, Refuse];

    internal static readonly IReadOnlyList<string> SessionModes = [Person, Conversation, Thread];
}
