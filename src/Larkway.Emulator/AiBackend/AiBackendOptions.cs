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

    /// <summary>
    /// The Dify knowledge (dataset) API key the emulator admits by default on the <c>/datasets</c> routes (Dify's knowledge
    /// keys start with <c>dataset-</c> and are not app keys: each is refused where the other belongs); never a real credential.
    /// </summary>
    public const string DefaultDifyDatasetKey = "dataset-larkwayemulatordevkey01";

    /// <summary>The id of the knowledge base the emulator starts with ("Larkway sandbox knowledge"), so the sandbox has one.</summary>
    public const string DefaultDatasetId = "5d1f3c2a-7b4e-4c1a-9f0e-1a2b3c4d5e6f";

    /// <summary>The name of the knowledge base <see cref="DefaultDatasetId"/>.</summary>
    public const string DefaultDatasetName = "Larkway sandbox knowledge";

    /// <summary>The OpenAI API key the emulator admits by default; never a real credential.</summary>
    public const string DefaultOpenAiApiKey = "sk-larkway-emulator-dev-key-0001";

    /// <summary>Dify's service API base: <c>POST {DifyPrefix}/chat-messages</c>. A Dify client's base URL is <c>{emulator}/dify/v1</c>.</summary>
    public string DifyPrefix { get; set; } = "/dify/v1";

    /// <summary>OpenAI's API base: <c>POST {OpenAiPrefix}/chat/completions</c>. An OpenAI client's endpoint is <c>{emulator}/openai/v1</c>.</summary>
    public string OpenAiPrefix { get; set; } = "/openai/v1";

    /// <summary>The Dify app keys admitted (Bearer); the default one if left empty.</summary>
    public IList<string> DifyAppKeys { get; } = [];

    /// <summary>The Dify knowledge API keys admitted (Bearer) on the <c>/datasets</c> routes; the default one if left empty.</summary>
    public IList<string> DifyDatasetKeys { get; } = [];

    /// <summary>
    /// The largest text a knowledge document may have, in UTF-8 bytes (Dify's <c>UPLOAD_FILE_SIZE_LIMIT</c>, 15 MB by
    /// default): above it Dify answers 413 <c>file_too_large</c>. Changeable through <c>PUT /_emulator/ai/knowledge/limits</c>.
    /// </summary>
    public long KnowledgeMaxTextBytes { get; set; } = 15L * 1024 * 1024;

    /// <summary>How many documents one knowledge base may hold (a subscription's quota); null: no limit. Above it: 403.</summary>
    public int? KnowledgeMaxDocuments { get; set; }

    /// <summary>Knowledge API requests a key may make in any 60 s (a subscription's rate limit); null: no limit. Above it: 403.</summary>
    public int? KnowledgeRequestsPerMinute { get; set; }

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

    internal IReadOnlyList<string> AdmittedDifyDatasetKeys => DifyDatasetKeys.Count > 0 ? [.. DifyDatasetKeys] : [DefaultDifyDatasetKey];

    internal IReadOnlyList<string> AdmittedOpenAiKeys => OpenAiApiKeys.Count > 0 ? [.. OpenAiApiKeys] : [DefaultOpenAiApiKey];
}
