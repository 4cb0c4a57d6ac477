using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.AiBackend;

namespace Larkway.Emulator.Tests.AiBackend;

/// <summary>The raw wire of Dify's knowledge API, as a client with a knowledge key speaks it, and its control API.</summary>
public static class KnowledgeHttp
{
    public const string Key = AiBackendOptions.DefaultDifyDatasetKey;

    public const string Dataset = AiBackendOptions.DefaultDatasetId;

    public const string Base = "/dify/v1/datasets/" + Dataset;

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, object? body = null, string? key = Key)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? key = Key) => SendAsync(http, HttpMethod.Get, path, null, key);

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, object body, string? key = Key) => SendAsync(http, HttpMethod.Post, path, body, key);

    /// <summary>Creates a document from text in the seeded knowledge base; its answer (document and batch), asserted 200.</summary>
    public static async Task<JsonElement> CreateAsync(HttpClient http, string name, string text, string spelling = "create-by-text")
    {
        using var response = await PostAsync(http, $"{Base}/document/{spelling}", new { name, text, indexing_technique = "high_quality", process_rule = new { mode = "automatic" } });
        Assert.Equal(200, (int)response.StatusCode);
        return await AiHttp.JsonAsync(response);
    }

    /// <summary>Everything the fake holds, through the control API: each knowledge base with its documents and their texts.</summary>
    public static async Task<List<JsonElement>> HeldAsync(HttpClient http, string dataset = Dataset)
    {
        using var response = await http.GetAsync("/_emulator/ai/knowledge/datasets");
        var item = (await AiHttp.JsonAsync(response)).GetProperty("items").EnumerateArray().Single(d => d.Str("id") == dataset);
        return [.. item.GetProperty("documents").EnumerateArray()];
    }

    public static async Task ControlAsync(HttpClient http, HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(http, method, "/_emulator/ai/knowledge" + path, body, key: null);
        Assert.Equal(200, (int)response.StatusCode);
    }

    /// <summary>The seeded knowledge base alone and empty, no faults, no counts, the options' limits.</summary>
    public static Task ResetAsync(HttpClient http) => ControlAsync(http, HttpMethod.Delete, string.Empty);

    public static async Task AssertErrorAsync(HttpResponseMessage response, int status, string code, string? message = null)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var error = await AiHttp.JsonAsync(response);
        Assert.Equal(code, error.Str("code"));
        Assert.Equal(status, error.GetProperty("status").GetInt32());
        if (message is not null)
        {
            Assert.Equal(message, error.Str("message"));
        }
    }
}
