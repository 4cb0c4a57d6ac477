using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.AiBackend;

/// <summary>One emulator per test class: tokens fast (500/s), short answers, Dify pings every 100 ms.</summary>
public sealed class AiBackendFixture : IAsyncLifetime
{
    public const int Words = 8;

    public TestEmulator Emulator { get; private set; } = null!;

    public HttpClient Http => Emulator.Http;

    public async Task InitializeAsync()
    {
        Emulator = await TestEmulator.StartAsync(o =>
        {
            o.AiBackend.TokensPerSecond = 500;
            o.AiBackend.AnswerWords = Words;
            o.AiBackend.PingInterval = TimeSpan.FromMilliseconds(100);
        });
    }

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    /// <summary>Clears faults and restores the settings (tests in one class share the emulator, one after another).</summary>
    public async Task ResetAsync()
    {
        (await Http.DeleteAsync("/_emulator/ai/faults")).EnsureSuccessStatusCode();
        using var settings = await AiHttp.PutAsync(Http, "/_emulator/ai/settings", new { tokens_per_second = 500, answer_words = Words, dify_mode = "chat" });
        Assert.Equal(200, (int)settings.StatusCode);
    }
}

/// <summary>The raw wire as a Dify or OpenAI client speaks it.</summary>
public static class AiHttp
{
    public const string DifyKey = AiBackendOptions.DefaultDifyAppKey;

    public const string OpenAiKey = AiBackendOptions.DefaultOpenAiApiKey;

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, object body, string? key = null, CancellationToken cancellationToken = default, HttpCompletionOption completion = HttpCompletionOption.ResponseHeadersRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http.SendAsync(request, completion, cancellationToken);
    }

    public static async Task<HttpResponseMessage> PutAsync(HttpClient http, string path, object body) =>
        await http.PutAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    public static async Task ArmAsync(HttpClient http, object fault)
    {
        using var armed = await PostAsync(http, "/_emulator/ai/faults", fault);
        Assert.Equal(200, (int)armed.StatusCode);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The SSE data of each event, parsed as a client does (System.Net.ServerSentEvents).</summary>
    public static async IAsyncEnumerable<string> EventsAsync(HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            Assert.Equal("message", item.EventType); // no "event:" lines: Dify and OpenAI put everything in data
            yield return item.Data;
        }
    }

    /// <summary>Dify's events, each with the event name inside its JSON.</summary>
    public static async Task<List<JsonElement>> DifyEventsAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var events = new List<JsonElement>();
        await foreach (var data in EventsAsync(response, cancellationToken))
        {
            using var document = JsonDocument.Parse(data);
            events.Add(document.RootElement.Clone());
        }

        return events;
    }

    public static string Event(this JsonElement item) => item.GetProperty("event").GetString()!;

    public static string Str(this JsonElement item, string name) => item.GetProperty(name).GetString()!;

    /// <summary>The requests the fake received (through the control API).</summary>
    public static async Task<List<JsonElement>> RequestsAsync(HttpClient http, string backend)
    {
        using var response = await http.GetAsync("/_emulator/ai/requests?backend=" + backend);
        return [.. (await JsonAsync(response)).GetProperty("items").EnumerateArray()];
    }

    /// <summary>Waits (polling the log, not the clock) until the request of <paramref name="user"/> reaches <paramref name="outcome"/>.</summary>
    public static async Task<JsonElement> AwaitOutcomeAsync(HttpClient http, string backend, Func<JsonElement, bool> which, string outcome)
    {
        for (var i = 0; i < 500; i++)
        {
            var found = (await RequestsAsync(http, backend)).LastOrDefault(which);
            if (found.ValueKind == JsonValueKind.Object && found.Str("outcome") == outcome)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException($"no {backend} request reached outcome {outcome}");
    }
}
