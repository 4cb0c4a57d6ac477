namespace Larkway.Hub.Assistants.Storage;

/// <summary>
/// An AI assistant the Hub runs (<c>assistants</c>): which backend answers, on which apps, for whom, with which session
/// and masking rules. The backend's key is stored protected; the rules are validated JSON documents, so that a rule
/// added later needs no migration.
/// </summary>
public sealed class AssistantRow
{
    /// <summary>The assistant's name in the Hub (a slug: <c>[a-z0-9-]</c>, 1–40 characters).</summary>
    public string Name { get; set; } = "";

    /// <summary>What people see it called (card titles, the console).</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>The backend kind: <c>dify</c> or <c>openai</c> (any OpenAI-compatible chat completions server).</summary>
    public string Backend { get; set; } = "";

    /// <summary>The backend's base URL (Dify's <c>…/v1</c>, or the OpenAI-compatible server's <c>…/v1</c>).</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The Dify app key or the OpenAI API key, protected (<see cref="Platform.DataProtection.HubSecretProtector"/>).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The model (OpenAI-compatible backends); null for Dify, whose app chooses it.</summary>
    public string? Model { get; set; }

    /// <summary>The system prompt (OpenAI-compatible backends; a Dify app carries its own).</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>The Hub apps it answers on, comma-separated names (of any platform).</summary>
    public string Apps { get; set; } = "";

    /// <summary>Who may use it, where, and what happens to strangers: an <c>AssistantPolicy</c> as JSON.</summary>
    public string Policy { get; set; } = "{}";

    /// <summary>How conversations continue: an <c>AssistantSessionSettings</c> as JSON (mode, time to live).</summary>
    public string Sessions { get; set; } = "{}";

    /// <summary>What is masked in which direction: an <c>AssistantMaskingSettings</c> as JSON.</summary>
    public string Masking { get; set; } = "{}";

    /// <summary>How answers stream: an <c>AssistantStreamingSettings</c> as JSON (update interval, timeouts).</summary>
    public string Streaming { get; set; } = "{}";

    /// <summary>Whether it answers at all.</summary>
    public bool Enabled { get; set; }

    /// <summary>When added.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When last changed; replicas compare it to notice a change.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
