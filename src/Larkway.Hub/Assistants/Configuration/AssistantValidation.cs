using System.Text.RegularExpressions;
using Larkway.Hub.Apps;

namespace Larkway.Hub.Assistants.Configuration;

/// <summary>A problem with an assistant's settings: the field (a JSON path such as <c>policy.groups.mode</c>) and what to fix.</summary>
public sealed record AssistantProblem(string Field, string Message);

/// <summary>The checks an assistant's settings pass before they are stored; each problem says what to send instead.</summary>
internal static partial class AssistantValidation
{
    public const int MaxDisplayNameLength = 100;

    public const int MaxUrlLength = 2048;

    public const int MaxApiKeyLength = 1024;

    public const int MaxModelLength = 200;

    public const int MaxSystemPromptLength = 20_000;

    public const int MaxAudienceEntries = 1000;

    public const int MaxAllowedGroups = 1000;

    /// <summary>
    /// Checks a whole assistant (a create, or an update merged onto the stored one): the shared settings, then each platform's
    /// own through the rooms' <paramref name="platformChecks"/>.
    /// </summary>
    public static List<AssistantProblem> Check(AssistantDefinition d, IReadOnlyCollection<string> knownApps, IEnumerable<IAssistantSettingsCheck>? platformChecks = null)
    {
        var problems = new List<AssistantProblem>();
        if (!HubAppValidation.IsValidName(d.Name))
        {
            problems.Add(new("name", "must be 1–40 characters of a–z, 0–9 and '-', starting with a letter or digit (e.g. \"helpdesk\")."));
        }

        if (string.IsNullOrWhiteSpace(d.DisplayName) || d.DisplayName.Length > MaxDisplayNameLength)
        {
            problems.Add(new("display_name", $"must be 1–{MaxDisplayNameLength} characters: the name people see on its cards."));
        }

        if (!AssistantPolicyValues.Backends.Contains(d.Backend))
        {
            problems.Add(new("backend", $"must be one of: {string.Join(", ", AssistantPolicyValues.Backends)} (\"openai\" for any OpenAI-compatible chat completions server)."));
        }

        if (!Uri.TryCreate(d.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || d.BaseUrl.Length > MaxUrlLength
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            problems.Add(new("base_url", "must be an absolute http(s) URL without query, fragment or credentials, such as https://api.dify.ai/v1 or http://127.0.0.1:11434/v1."));
        }

        if (string.IsNullOrWhiteSpace(d.ApiKey) || d.ApiKey.Length > MaxApiKeyLength || d.ApiKey.Any(char.IsControl))
        {
            problems.Add(new("api_key", d.Backend == AssistantPolicyValues.Dify
                ? "is required: the Dify app's API key (app-…), from the app's API Access page."
                : $"is required: the backend's API key (1–{MaxApiKeyLength} characters; any non-empty value for a local server that checks none)."));
        }

        if (d.Backend == AssistantPolicyValues.OpenAi && (string.IsNullOrWhiteSpace(d.Model) || d.Model.Length > MaxModelLength))
        {
            problems.Add(new("model", "is required for an OpenAI-compatible backend: the model name the server knows (e.g. gpt-4o-mini, qwen2.5:7b)."));
        }

        if (d.Backend == AssistantPolicyValues.Dify && d.Model is not null)
        {
            problems.Add(new("model", "is not used with Dify (the Dify app chooses its model): leave it out."));
        }

        if (d.SystemPrompt is { Length: > MaxSystemPromptLength })
        {
            problems.Add(new("system_prompt", $"must be at most {MaxSystemPromptLength} characters."));
        }

        if (d.Backend == AssistantPolicyValues.Dify && !string.IsNullOrEmpty(d.SystemPrompt))
        {
            problems.Add(new("system_prompt", "is not used with Dify (the Dify app carries its own prompt): leave it out, or set it in the Dify app."));
        }

        CheckApps(d.Apps, knownApps, problems);
        CheckPolicy(d.Policy, problems);
        CheckSessions(d.Sessions, problems);
        CheckMasking(d.Masking, problems);
        CheckStreaming(d.Streaming, problems);
        foreach (var check in platformChecks ?? [])
        {
            check.Check(d, problems);
        }

        return problems;
    }

    private static void CheckApps(IReadOnlyList<string> apps, IReadOnlyCollection<string> knownApps, List<AssistantProblem> problems)
    {
        if (apps.Count == 0)
        {
            problems.Add(new("apps", "must name at least one of the Hub's apps (any platform) for it to answer on."));
            return;
        }

        foreach (var app in apps.Distinct(StringComparer.Ordinal))
        {
            if (!knownApps.Contains(app))
            {
                problems.Add(new("apps", $"'{app}' is not one of the Hub's apps; known: {(knownApps.Count == 0 ? "none yet (add one under /api/v1/apps)" : string.Join(", ", knownApps.Order(StringComparer.Ordinal)))}."));
            }
        }
    }

    private static void CheckPolicy(AssistantPolicy policy, List<AssistantProblem> problems)
    {
        CheckAudience(policy.Access, "policy.access", problems);
        CheckChoice(policy.DirectMessages, AssistantPolicyValues.DirectMessageModes, "policy.direct_messages", problems);
        CheckAudience(policy.DirectMessageAllowlist, "policy.direct_message_allowlist", problems);
        if (policy.DirectMessages == AssistantPolicyValues.Allowlist && policy.DirectMessageAllowlist.IsEmpty)
        {
            problems.Add(new("policy.direct_message_allowlist", "must name people or departments when direct_messages is \"allowlist\" (or use \"disabled\")."));
        }

        CheckChoice(policy.Groups.Mode, AssistantPolicyValues.GroupModes, "policy.groups.mode", problems);
        if (policy.Groups.Allowed.Count > MaxAllowedGroups || policy.Groups.Allowed.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add(new("policy.groups.allowed", $"must be at most {MaxAllowedGroups} non-empty conversation ids (chat ids as each platform gives them)."));
        }

        CheckChoice(policy.UnknownUsers, AssistantPolicyValues.UnknownUserPolicies, "policy.unknown_users", problems);
        foreach (var (command, audience) in policy.Commands)
        {
            if (!CommandName().IsMatch(command))
            {
                problems.Add(new($"policy.commands.{command}", "command names are 1–32 characters of a–z, 0–9, '-' and '_', without the slash."));
            }

            CheckAudience(audience, $"policy.commands.{command}", problems);
        }
    }

    private static void CheckAudience(AssistantAudience audience, string field, List<AssistantProblem> problems)
    {
        if (audience.People.Count + audience.Departments.Count > MaxAudienceEntries)
        {
            problems.Add(new(field, $"may name at most {MaxAudienceEntries} people and departments; use departments for large groups."));
        }

        foreach (var person in audience.People)
        {
            if (!(person.StartsWith("per_", StringComparison.Ordinal) && person.Length <= 40) && !(person.Contains('@', StringComparison.Ordinal) && person.Length <= 320))
            {
                problems.Add(new($"{field}.people", $"'{Shown(person)}' is neither a person id (per_…) nor an email."));
            }
        }

        foreach (var department in audience.Departments)
        {
            if (string.IsNullOrWhiteSpace(department) || department.Length > 128)
            {
                problems.Add(new($"{field}.departments", "department ids are 1–128 characters, as the directory lists them (GET /api/v1/directory/departments)."));
            }
        }
    }

    private static void CheckSessions(AssistantSessionSettings sessions, List<AssistantProblem> problems)
    {
        CheckChoice(sessions.Mode, AssistantPolicyValues.SessionModes, "sessions.mode", problems);
        CheckRange(sessions.TtlHours, 1, 8760, "sessions.ttl_hours", "hours", problems);
        CheckRange(sessions.HistoryTurns, 0, 50, "sessions.history_turns", "turns", problems);
    }

    private static void CheckMasking(AssistantMaskingSettings masking, List<AssistantProblem> problems)
    {
        foreach (var (list, field) in new[] { (masking.ToBackend, "masking.to_backend"), (masking.ToPlatform, "masking.to_platform") })
        {
            foreach (var detector in list.Where(d => !AssistantPolicyValues.Detectors.Contains(d)))
            {
                problems.Add(new(field, $"'{Shown(detector)}' is not a detector; use any of: {string.Join(", ", AssistantPolicyValues.Detectors)}."));
            }
        }
    }

    private static void CheckStreaming(AssistantStreamingSettings streaming, List<AssistantProblem> problems)
    {
        CheckRange(streaming.UpdateIntervalMs, 100, 10_000, "streaming.update_interval_ms", "milliseconds", problems);
        CheckRange(streaming.FirstTokenTimeoutSeconds, 1, 600, "streaming.first_token_timeout_seconds", "seconds", problems);
        CheckRange(streaming.AnswerTimeoutSeconds, 10, 3600, "streaming.answer_timeout_seconds", "seconds", problems);
    }

    private static void CheckChoice(string value, IReadOnlyList<string> choices, string field, List<AssistantProblem> problems)
    {
        if (!choices.Contains(value))
        {
            problems.Add(new(field, $"must be one of: {string.Join(", ", choices)} (got '{Shown(value)}')."));
        }
    }

    private static void CheckRange(int value, int min, int max, string field, string unit, List<AssistantProblem> problems)
    {
        if (value < min || value > max)
        {
            problems.Add(new(field, $"must be {min}–{max} {unit} (got {value})."));
        }
    }

    /// <summary>A value echoed in a message, cut short so a pasted essay does not fill the answer.</summary>
    private static string Shown(string? value) => value is null ? "null" : value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^[a-z0-9_-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommandName();
}
