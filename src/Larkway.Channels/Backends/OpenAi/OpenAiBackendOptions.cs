namespace Larkway.Channels.Backends.OpenAi;

/// <summary>
/// An OpenAI-compatible chat completions server: OpenAI itself, or a local or hosted one speaking the same API (vLLM,
/// Ollama, LM Studio, DeepSeek, Qwen, …) at <see cref="Endpoint"/>.
/// </summary>
public sealed class OpenAiBackendOptions : AssistantBackendOptions
{
    /// <summary>The API's base URL, up to and including its version segment: <c>https://api.openai.com/v1</c> (the default), <c>http://localhost:11434/v1</c>, …</summary>
    public Uri Endpoint { get; set; } = new("https://api.openai.com/v1");

    /// <summary>The API key, sent as <c>Authorization: Bearer</c>; empty for local servers that take none (then no header is sent). Never logged.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The model's name as the server knows it (<c>gpt-4o-mini</c>, <c>qwen2.5:7b</c>, …).</summary>
    public string Model { get; set; } = "";

    /// <summary>The most tokens an answer may have (<c>max_completion_tokens</c>); null for the server's default.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>The sampling temperature; null for the server's default.</summary>
    public float? Temperature { get; set; }

    /// <summary>Throws when the options cannot work, saying which one to fix.</summary>
    internal void ThrowIfInvalid()
    {
        ThrowIfInvalidShared(nameof(OpenAiBackendOptions));
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"OpenAiBackendOptions.Endpoint must be the absolute http(s) base URL of the API, such as https://api.openai.com/v1; got '{Endpoint}'.");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException("OpenAiBackendOptions.Model is empty: give the model's name as the server knows it (gpt-4o-mini, qwen2.5:7b, …).");
        }

        if (MaxOutputTokens is <= 0)
        {
            throw new ArgumentException($"OpenAiBackendOptions.MaxOutputTokens is {MaxOutputTokens}: give a positive number, or null for the server's default.");
        }

        if (Temperature is < 0 or > 2)
        {
            throw new ArgumentException($"OpenAiBackendOptions.Temperature is {Temperature}: give 0 to 2, or null for the server's default.");
        }
    }

    internal OpenAiBackendOptions Clone() => new()
    {
        Name = Name,
        FirstTokenTimeout = FirstTokenTimeout,
        IdleTimeout = IdleTimeout,
        TotalTimeout = TotalTimeout,
        MaxRetries = MaxRetries,
        RetryBaseDelay = RetryBaseDelay,
        MaxRetryDelay = MaxRetryDelay,
        Endpoint = Endpoint,
        ApiKey = ApiKey,
        Model = Model,
        MaxOutputTokens = MaxOutputTokens,
        Temperature = Temperature,
    };
}
