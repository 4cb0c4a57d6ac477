using System.Globalization;
using Larkway.Hub.Assistants.Configuration;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// The console's assistant form, as posted: <see cref="AssistantInput"/> in form fields, lists one entry per line. It only
/// reads the form (numbers must be whole numbers); every rule is <see cref="AssistantService"/>'s. A field left out binds as
/// "" or an empty list, so a partial post gets the service's problems, never an exception, and a group of checkboxes none
/// of which is checked (a browser posts nothing for it) is an empty list. The new form's defaults are <see cref="ForNew"/>,
/// shown on its page, never filled into a post.
/// </summary>
internal sealed class AssistantForm
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string DisplayName { get; set => field = value ?? ""; } = "";

    public string Backend { get; set => field = value ?? ""; } = "";

    public string BaseUrl { get; set => field = value ?? ""; } = "";

    /// <summary>Never shown back; on an edit, left empty keeps the stored key.</summary>
    public string ApiKey { get; set => field = value ?? ""; } = "";

    public string Model { get; set => field = value ?? ""; } = "";

    public string SystemPrompt { get; set => field = value ?? ""; } = "";

    public List<string> Apps { get; set => field = value ?? []; } = [];

    public string DirectMessages { get; set => field = value ?? ""; } = "";

    public string DirectMessagePeople { get; set => field = value ?? ""; } = "";

    public string DirectMessageDepartments { get; set => field = value ?? ""; } = "";

    public string GroupMode { get; set => field = value ?? ""; } = "";

    public bool AnswerAtAll { get; set; }

    public string AllowedGroups { get; set => field = value ?? ""; } = "";

    public string UnknownUsers { get; set => field = value ?? ""; } = "";

    public string AccessPeople { get; set => field = value ?? ""; } = "";

    public string AccessDepartments { get; set => field = value ?? ""; } = "";

    public string SessionMode { get; set => field = value ?? ""; } = "";

    public string TtlHours { get; set => field = value ?? ""; } = "";

    public string HistoryTurns { get; set => field = value ?? ""; } = "";

    public List<string> MaskToBackend { get; set => field = value ?? []; } = [];

    public List<string> MaskToPlatform { get; set => field = value ?? []; } = [];

    public string UpdateIntervalMs { get; set => field = value ?? ""; } = "";

    public string FirstTokenTimeoutSeconds { get; set => field = value ?? ""; } = "";

    public string AnswerTimeoutSeconds { get; set => field = value ?? ""; } = "";

    public bool Enabled { get; set; } = true;

    /// <summary>The form fields a problem is shown beside; a problem of any other field is listed at the top.</summary>
    public static IReadOnlyList<string> PlacedFields { get; } =
    [
        "name", "display_name", "backend", "base_url", "api_key", "model", "system_prompt", "apps",
        "policy.direct_messages", "policy.direct_message_allowlist.people", "policy.direct_message_allowlist.departments",
        "policy.groups.mode", "policy.groups.allowed", "policy.unknown_users", "policy.access.people", "policy.access.departments",
        "sessions.mode", "sessions.ttl_hours", "sessions.history_turns", "masking.to_backend", "masking.to_platform",
        "streaming.update_interval_ms", "streaming.first_token_timeout_seconds", "streaming.answer_timeout_seconds",
    ];

    /// <summary>The new form as its page shows it: the settings' defaults (as <see cref="AssistantInput"/> left out has them).</summary>
    public static AssistantForm ForNew()
    {
        var (policy, sessions, masking, streaming) = (new AssistantPolicy(), new AssistantSessionSettings(), new AssistantMaskingSettings(), new AssistantStreamingSettings());
        return new()
        {
            Backend = AssistantPolicyValues.Dify,
            DirectMessages = policy.DirectMessages,
            GroupMode = policy.Groups.Mode,
            UnknownUsers = policy.UnknownUsers,
            SessionMode = sessions.Mode,
            TtlHours = Number(sessions.TtlHours),
            HistoryTurns = Number(sessions.HistoryTurns),
            MaskToBackend = [.. masking.ToBackend],
            MaskToPlatform = [.. masking.ToPlatform],
            UpdateIntervalMs = Number(streaming.UpdateIntervalMs),
            FirstTokenTimeoutSeconds = Number(streaming.FirstTokenTimeoutSeconds),
            AnswerTimeoutSeconds = Number(streaming.AnswerTimeoutSeconds),
        };
    }

    /// <summary>A stored assistant in the form (never its key).</summary>
    public static AssistantForm From(AssistantInfo a) => new()
    {
        Name = a.Name,
        DisplayName = a.DisplayName,
        Backend = a.Backend,
        BaseUrl = a.BaseUrl,
        Model = a.Model ?? "",
        SystemPrompt = a.SystemPrompt ?? "",
        Apps = [.. a.Apps],
        DirectMessages = a.Policy.DirectMessages,
        DirectMessagePeople = Lines(a.Policy.DirectMessageAllowlist.People),
        DirectMessageDepartments = Lines(a.Policy.DirectMessageAllowlist.Departments),
        GroupMode = a.Policy.Groups.Mode,
        AnswerAtAll = a.Policy.Groups.AnswerAtAll,
        AllowedGroups = Lines(a.Policy.Groups.Allowed),
        UnknownUsers = a.Policy.UnknownUsers,
        AccessPeople = Lines(a.Policy.Access.People),
        AccessDepartments = Lines(a.Policy.Access.Departments),
        SessionMode = a.Sessions.Mode,
        TtlHours = Number(a.Sessions.TtlHours),
        HistoryTurns = Number(a.Sessions.HistoryTurns),
        MaskToBackend = [.. a.Masking.ToBackend],
        MaskToPlatform = [.. a.Masking.ToPlatform],
        UpdateIntervalMs = Number(a.Streaming.UpdateIntervalMs),
        FirstTokenTimeoutSeconds = Number(a.Streaming.FirstTokenTimeoutSeconds),
        AnswerTimeoutSeconds = Number(a.Streaming.AnswerTimeoutSeconds),
        Enabled = a.Enabled,
    };

    /// <summary>
    /// The change the form asks for, or what to fix in the form itself (keyed as the service keys its problems). The
    /// policy's commands are not on the form: <paramref name="commands"/> (the stored ones) are kept.
    /// </summary>
    public (AssistantInput? Input, List<AssistantProblem> Problems) ToInput(bool isNew, Dictionary<string, AssistantAudience>? commands)
    {
        var problems = new List<AssistantProblem>();
        var ttl = Whole(TtlHours, "sessions.ttl_hours", "hours, e.g. 168 for 7 days", problems);
        var history = Whole(HistoryTurns, "sessions.history_turns", "turns, e.g. 10", problems);
        var interval = Whole(UpdateIntervalMs, "streaming.update_interval_ms", "milliseconds, e.g. 500", problems);
        var firstToken = Whole(FirstTokenTimeoutSeconds, "streaming.first_token_timeout_seconds", "seconds, e.g. 60", problems);
        var answer = Whole(AnswerTimeoutSeconds, "streaming.answer_timeout_seconds", "seconds, e.g. 300", problems);
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var input = new AssistantInput
        {
            Name = isNew ? Name.Trim() : null,
            DisplayName = string.IsNullOrWhiteSpace(DisplayName) && isNew ? null : DisplayName.Trim(),
            Backend = Backend.Trim(),
            BaseUrl = BaseUrl.Trim(),

            // Blank keeps the stored key (a new assistant: blank is "none", which the service names).
            ApiKey = string.IsNullOrWhiteSpace(ApiKey) ? (isNew ? "" : null) : ApiKey.Trim(),
            Model = Model.Trim(),

            // Browsers post a textarea's line breaks as CRLF; the prompt is stored as typed, with plain line feeds.
            SystemPrompt = SystemPrompt.ReplaceLineEndings("\n").Trim(),
            Apps = [.. Apps.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).Distinct(StringComparer.Ordinal)],
            Policy = new AssistantPolicy
            {
                Access = new AssistantAudience { People = SplitLines(AccessPeople), Departments = SplitLines(AccessDepartments) },
                DirectMessages = DirectMessages.Trim(),
                DirectMessageAllowlist = new AssistantAudience { People = SplitLines(DirectMessagePeople), Departments = SplitLines(DirectMessageDepartments) },
                Groups = new AssistantGroupPolicy { Mode = GroupMode.Trim(), AnswerAtAll = AnswerAtAll, Allowed = SplitLines(AllowedGroups) },
                UnknownUsers = UnknownUsers.Trim(),
                Commands = commands ?? new(StringComparer.Ordinal),
            },
            Sessions = new AssistantSessionSettings { Mode = SessionMode.Trim(), TtlHours = ttl, HistoryTurns = history },
            Masking = new AssistantMaskingSettings
            {
                ToBackend = [.. MaskToBackend.Where(d => !string.IsNullOrWhiteSpace(d)).Distinct(StringComparer.Ordinal)],
                ToPlatform = [.. MaskToPlatform.Where(d => !string.IsNullOrWhiteSpace(d)).Distinct(StringComparer.Ordinal)],
            },
            Streaming = new AssistantStreamingSettings { UpdateIntervalMs = interval, FirstTokenTimeoutSeconds = firstToken, AnswerTimeoutSeconds = answer },
            Enabled = Enabled,
        };
        return (input, problems);
    }

    /// <summary>The form field a problem of <see cref="AssistantService"/> belongs beside (a list's count problem: its people).</summary>
    public static string FieldOf(string problemField) => problemField switch
    {
        "policy.access" => "policy.access.people",
        "policy.direct_message_allowlist" => "policy.direct_message_allowlist.people",
        _ => problemField,
    };

    /// <summary>What the form calls a field, to begin its problem's sentence.</summary>
    public static string LabelOf(string field) => field switch
    {
        "name" => "The name",
        "display_name" => "The display name",
        "backend" => "The backend",
        "base_url" => "The base URL",
        "api_key" => "The API key",
        "model" => "The model",
        "system_prompt" => "The system prompt",
        "apps" => "Apps",
        "policy.direct_messages" => "Direct messages",
        "policy.direct_message_allowlist.people" or "policy.direct_message_allowlist.departments" => "The direct-message allowlist",
        "policy.groups.mode" => "Group chats",
        "policy.groups.allowed" => "Allowed groups",
        "policy.unknown_users" => "Unknown users",
        "policy.access.people" => "People",
        "policy.access.departments" => "Departments",
        "sessions.mode" => "The session mode",
        "sessions.ttl_hours" => "Time to live",
        "sessions.history_turns" => "History",
        "masking.to_backend" => "Masking toward the backend",
        "masking.to_platform" => "Masking toward the platform",
        "streaming.update_interval_ms" => "The update interval",
        "streaming.first_token_timeout_seconds" => "The first-text timeout",
        "streaming.answer_timeout_seconds" => "The answer timeout",
        _ => field,
    };

    /// <summary>A problem as a sentence beside its field: "The base URL must be …"; a message that starts with a value gets a colon.</summary>
    public static string Sentence(AssistantProblem problem)
    {
        var label = LabelOf(FieldOf(problem.Field));
        return problem.Message.Length > 0 && char.IsLower(problem.Message[0]) ? $"{label} {problem.Message}" : $"{label}: {problem.Message}";
    }

    private static string Lines(IEnumerable<string> values) => string.Join("\n", values);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static List<string> SplitLines(string value) =>
        [.. value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal)];

    private static int Whole(string value, string field, string example, List<AssistantProblem> problems)
    {
        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        problems.Add(new(field, $"must be a whole number of {example} (got '{(value.Length <= 20 ? value : value[..20] + "…")}')."));
        return 0;
    }
}
