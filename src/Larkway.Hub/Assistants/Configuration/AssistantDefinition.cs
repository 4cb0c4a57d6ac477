using Larkway.Hub.Platform.Audit;

namespace Larkway.Hub.Assistants.Configuration;

/// <summary>An assistant's settings in full, the backend key in clear: only in memory, between its store and its use.</summary>
public sealed record AssistantDefinition
{
    /// <summary>The assistant's name in the Hub.</summary>
    public required string Name { get; init; }

    /// <summary>What people see it called.</summary>
    public required string DisplayName { get; init; }

    /// <summary><see cref="AssistantPolicyValues.Dify"/> or <see cref="AssistantPolicyValues.OpenAi"/>.</summary>
    public required string Backend { get; init; }

    /// <summary>The backend's base URL.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The backend's key.</summary>
    public required string ApiKey { get; init; }

    /// <summary>The model (OpenAI-compatible backends).</summary>
    public string? Model { get; init; }

    /// <summary>The system prompt (OpenAI-compatible backends).</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>The apps it answers on.</summary>
    public required IReadOnlyList<string> Apps { get; init; }

    /// <summary>Who may use it and where.</summary>
    public AssistantPolicy Policy { get; init; } = new();

    /// <summary>How conversations continue.</summary>
    public AssistantSessionSettings Sessions { get; init; } = new();

    /// <summary>What is masked.</summary>
    public AssistantMaskingSettings Masking { get; init; } = new();

    /// <summary>How answers stream.</summary>
    public AssistantStreamingSettings Streaming { get; init; } = new();

    /// <summary>Whether it answers.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>When last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// A create or a change, as the API and the console send it: what is null is kept (a change) or defaulted (a create).
/// A settings document given replaces the stored one whole.
/// </summary>
public sealed record AssistantInput
{
    /// <summary>The name (create only).</summary>
    [System.ComponentModel.Description("The assistant's name: 1–40 characters of a–z, 0–9 and '-'. Required on POST; it cannot change.")]
    public string? Name { get; set; }

    /// <summary>What people see it called (default: the name).</summary>
    [System.ComponentModel.Description("What people see it called, on its cards (default: the name).")]
    public string? DisplayName { get; set; }

    /// <summary><c>dify</c> or <c>openai</c>.</summary>
    [System.ComponentModel.Description("dify, or openai for any OpenAI-compatible chat completions server. Required on POST.")]
    public string? Backend { get; set; }

    /// <summary>The backend's base URL.</summary>
    [System.ComponentModel.Description("The backend's base URL (https://api.dify.ai/v1, http://127.0.0.1:11434/v1…). Required on POST.")]
    public string? BaseUrl { get; set; }

    /// <summary>The backend's key (write-only).</summary>
    [System.ComponentModel.Description("The backend's key; write-only. Required on POST, and again with a new base_url.")]
    public string? ApiKey { get; set; }

    /// <summary>The model (OpenAI-compatible backends); an empty string clears it.</summary>
    [System.ComponentModel.Description("The model (OpenAI-compatible backends, where it is required; not used with Dify); \"\" clears it.")]
    public string? Model { get; set; }

    /// <summary>The system prompt; an empty string clears it.</summary>
    [System.ComponentModel.Description("The system prompt (OpenAI-compatible backends); \"\" clears it.")]
    public string? SystemPrompt { get; set; }

    /// <summary>The apps it answers on.</summary>
    [System.ComponentModel.Description("The Hub apps it answers on (any platform), at least one. Required on POST.")]
    public List<string>? Apps { get; set; }

    /// <summary>Who may use it and where (replaces the stored policy).</summary>
    [System.ComponentModel.Description("Who may use it and where: direct messages, groups, unknown users, commands. Replaces the stored policy whole.")]
    public AssistantPolicy? Policy { get; set; }

    /// <summary>How conversations continue.</summary>
    [System.ComponentModel.Description("How conversations continue. Replaces the stored settings whole.")]
    public AssistantSessionSettings? Sessions { get; set; }

    /// <summary>What is masked.</summary>
    [System.ComponentModel.Description("What is masked, to the backend and to the platform. Replaces the stored settings whole.")]
    public AssistantMaskingSettings? Masking { get; set; }

    /// <summary>How answers stream.</summary>
    [System.ComponentModel.Description("How answers stream. Replaces the stored settings whole.")]
    public AssistantStreamingSettings? Streaming { get; set; }

    /// <summary>Whether it answers (default true).</summary>
    [System.ComponentModel.Description("Whether it answers (default true).")]
    public bool? Enabled { get; set; }
}

/// <summary>An assistant as the Hub shows it: never its key, only whether one is set.</summary>
public sealed record AssistantInfo(
    string Name,
    string DisplayName,
    string Backend,
    string BaseUrl,
    bool ApiKeySet,
    string? Model,
    string? SystemPrompt,
    IReadOnlyList<string> Apps,
    AssistantPolicy Policy,
    AssistantSessionSettings Sessions,
    AssistantMaskingSettings Masking,
    AssistantStreamingSettings Streaming,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The apps it names but does not answer on, because another enabled assistant answers there (an overlap stored before
    /// overlaps were refused): empty when it answers on every app it names, and for a disabled one.
    /// </summary>
    public IReadOnlyList<AssistantOverlap> NotAnswering { get; init; } = [];
}

/// <summary>An app an enabled assistant names where another one answers: <paramref name="AnsweredBy"/> takes its messages.</summary>
/// <param name="App">The Hub app.</param>
/// <param name="AnsweredBy">The assistant that answers there (the one stored first).</param>
public sealed record AssistantOverlap(string App, string AnsweredBy);

/// <summary>How a create or change ended.</summary>
public enum AssistantChangeStatus
{
    /// <summary>Stored.</summary>
    Ok,

    /// <summary>Refused: see the problems.</summary>
    Invalid,

    /// <summary>No assistant of that name (a change).</summary>
    NotFound,

    /// <summary>The name is taken (a create).</summary>
    Conflict,

    /// <summary>Enabled on an app another enabled assistant already answers on: see the problems, which name both.</summary>
    Overlap,
}

/// <summary>The outcome of a create or change.</summary>
public sealed record AssistantChange(AssistantChangeStatus Status, AssistantInfo? Assistant, IReadOnlyList<AssistantProblem> Problems)
{
    /// <summary>What became of the API key, as the audit log says it (set, changed, removed, kept or none); never the key.</summary>
    public string ApiKey { get; init; } = AuditSecret.Kept;
}
