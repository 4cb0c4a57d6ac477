using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.WeCom;

namespace Larkway.Integration.Tests.WeCom;

/// <summary>One emulator per test class, its WeCom control API, and a client of its self-built app.</summary>
public sealed class WeComEmulatorFixture : IAsyncLifetime
{
    public EmulatorOptions Options { get; } = new() { Port = 0 };

    public EmulatorServer Emulator { get; private set; } = null!;

    public HttpClient Control { get; private set; } = null!;

    public WeComClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(Options);
        Control = new HttpClient { BaseAddress = new Uri(Emulator.BaseUrl, "/_emulator/wecom/") };
        Client = NewClient();
    }

    public WeComClient NewClient(string? secret = null, WeComRetryOptions? retry = null) => new(new WeComAppOptions
    {
        CorpId = Options.WeComCorpId,
        CorpSecret = secret ?? Options.WeComAppSecret,
        AgentId = Options.WeComAgentId,
        ApiBaseUrl = WeComBaseUrls.Emulator(Emulator.BaseUrl),
        Retry = retry ?? new WeComRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
    });

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Control.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await Control.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {json}");
        return json;
    }

    /// <summary>Arms a fault: kind server_error, system_busy, rate_limit, invalid_token, expired_token or delay.</summary>
    public Task<JsonElement> FaultAsync(string endpoint, string kind, int count = 1) => PostAsync("faults", new { endpoint, kind, count });

    public async Task ClearFaultsAsync() => (await Control.DeleteAsync("faults")).EnsureSuccessStatusCode();

    public async Task<JsonElement[]> MessagesToAsync(string userId) => [.. (await GetAsync($"users/{userId}/messages")).GetProperty("items").EnumerateArray()];

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Control.Dispose();
        await Emulator.DisposeAsync();
    }
}
