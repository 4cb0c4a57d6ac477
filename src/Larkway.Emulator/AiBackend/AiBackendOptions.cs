namespace Larkway.Emulator.AiBackend;

/// <summary>
/// The fake AI backend: a Dify-shaped chat app under <see cref="DifyPrefix"/> and an OpenAI-shaped chat completions API
/// under <see cref="OpenAiPrefix"/>, both answering deterministically at a set token rate, with faults and settings under
/// <c>/_emulator/ai</c> (docs/emulator.md, "Fake AI backend"). Not a model: the answer is derived from the question.
/// </summary>
public sealed class AiBackendOptions
{
    /// <summary>The Dify app key the emulator admits by default (Dify's keys start with <c>app-</c>); never a real credential.</summary>
    public const string DefaultDifyAppKey = "app-larkwayemulatordevkey0001";

    /// <summary>The OpenAI API key the emulator admits by default; never a real credential.</summary>
    public const string DefaultOpenAiApiKey = "sk-larkway-emulator-dev-key-0001";

    /// <summary>Dify's service API base: <c>POST {DifyPrefix}/chat-messages</c>. A Dify client's base URL is <c>{emulator}/dify/v1</c>.</summary>
    public string DifyPrefix { get; set; } = "/dify/v1";

    /// <summary>OpenAI's API base: <c>POST {OpenAiPrefix}/chat/completions</c>. An OpenAI client's endpoint is <c>{emulator}/openai/v1</c>.</summary>
    public string OpenAiPrefix { get; set; } = "/openai/v1";

    /// <summary>The Dify app keys admitted (Bearer); the default one if left empty.</summary>
    public IList<string> DifyAppKeys { get; } = [];

    /// <summary>The OpenAI API keys admitted (Bearer); the default one if left empty.</summary>
    public IList<string> OpenAiApiKeys { get; } = [];

    /// <summary>Tokens (words) streamed a second at start; changeable through <c>PUT /_emulator/ai/settings</c>.</summary>
    public double TokensPerSecond { get; set; } = 20;

    /// <summary>How many generated words follow the echo of the question at start; changeable through the settings.</summary>
    public int AnswerWords { get; set; } = 24;

    /// <summary>Dify's keep-alive: a <c>ping</c> event when no other event was sent for this long (Dify: every 10 s).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The model named in OpenAI answers when the request names none that is known (any model name is accepted).</summary>
    public string DefaultModel { get; set; } = "larkway-fake-1";

    /// <summary>How many received requests the log keeps (oldest dropped first).</summary>
    public int RequestLogCapacity { get; set; } = 1000;

    internal IReadOnlyList<string> AdmittedDifyKeys => DifyAppKeys.Count > 0 ? [.. DifyAppKeys] : [DefaultDifyAppKey];

    internal IReadOnlyList<string> AdmittedOpenAiKeys => OpenAiApiKeys.Count > 0 ? [.. OpenAiApiKeys] : [DefaultOpenAiApiKey];
}
