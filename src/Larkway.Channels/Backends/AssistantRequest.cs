namespace Larkway.Channels.Backends;

/// <summary>One question to an AI backend.</summary>
public sealed record AssistantRequest
{
    /// <summary>A question asked by <paramref name="user"/>.</summary>
    /// <param name="query">The question (already masked: the backend sees exactly this).</param>
    /// <param name="user">The Hub's stable person id. Dify resolves a conversation only for the user that started it.</param>
    public AssistantRequest(string query, string user)
    {
        Query = query;
        User = user;
    }

    /// <summary>The question, as the backend sees it.</summary>
    public string Query { get; init; }

    /// <summary>The Hub's stable person id (Dify's <c>user</c>; OpenAI's <c>user</c> field is not sent).</summary>
    public string User { get; init; }

    /// <summary>The backend's conversation id to continue (Dify's <c>conversation_id</c>); null starts a new conversation.</summary>
    public string? ConversationId { get; init; }

    /// <summary>
    /// The app's input variables (Dify's <c>inputs</c>): values are strings, numbers, booleans or
    /// <see cref="System.Text.Json.JsonElement"/>s. Empty when the app has none.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Inputs { get; init; } = new Dictionary<string, object?>();

    /// <summary>Files sent with the question: any type to Dify, images to an OpenAI-compatible backend (<see cref="IAssistantBackend.Reads"/>).</summary>
    public IReadOnlyList<AssistantFile> Files { get; init; } = [];

    /// <summary>The system prompt (OpenAI-compatible backends; a Dify app has its own and ignores this).</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Earlier turns, oldest first (OpenAI-compatible backends are stateless; Dify ignores these).</summary>
    public IReadOnlyList<AssistantTurn> History { get; init; } = [];

    /// <summary>Throws when the request cannot be sent, saying what to fix.</summary>
    internal void ThrowIfInvalid()
    {
        if (string.IsNullOrWhiteSpace(Query))
        {
            throw new ArgumentException("AssistantRequest.Query is empty: there is no question to ask.", "request");
        }

        if (string.IsNullOrWhiteSpace(User))
        {
            throw new ArgumentException("AssistantRequest.User is empty: give the Hub's stable person id (Dify ties conversations to it).", "request");
        }

        if (Inputs is null || Files is null || History is null)
        {
            throw new ArgumentException("AssistantRequest.Inputs, Files and History may be empty but not null.", "request");
        }

        foreach (var (name, value) in Inputs)
        {
            if (value is not (null or string or bool or int or long or float or double or decimal or System.Text.Json.JsonElement))
            {
                throw new ArgumentException($"AssistantRequest.Inputs['{name}'] is a {value.GetType().Name}: give a string, number, boolean or JsonElement.", "request");
            }
        }
    }
}
