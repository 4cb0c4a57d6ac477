namespace Larkway.Channels.Tests.Backends.Wire;

/// <summary>
/// OpenAI chat completions stream chunks (<c>chat.completion.chunk</c>) and error answers as OpenAI documents them: the
/// first chunk carries the role, then content (or refusal) deltas, a chunk with <c>finish_reason</c>, a usage chunk with
/// empty <c>choices</c> when <c>stream_options.include_usage</c> is set, then <c>data: [DONE]</c>.
/// </summary>
internal static class OpenAiShapes
{
    public const string Done = "[DONE]";

    public static string Role(string id) =>
        $$$"""{"id":"{{{id}}}","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""";

    public static string Content(string id, string text) =>
        $$$"""{"id":"{{{id}}}","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":{{{Json(text)}}}},"logprobs":null,"finish_reason":null}]}""";

    public static string Refusal(string id, string text) =>
        $$$"""{"id":"{{{id}}}","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"refusal":{{{Json(text)}}}},"logprobs":null,"finish_reason":null}]}""";

    public static string Finish(string id, string reason) =>
        $$$"""{"id":"{{{id}}}","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"{{{reason}}}"}]}""";

    public static string Usage(string id, int prompt, int completion) =>
        $$$"""{"id":"{{{id}}}","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}}}}""";

    public static string Error(string message, string type, string? code) =>
        $$$"""{"error":{"message":{{{Json(message)}}},"type":"{{{type}}}","param":null,"code":{{{(code is null ? "null" : Json(code))}}}}}""";

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
