using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>The Emulator's test-control endpoints (<c>/_emulator/…</c>, docs/emulator.md), over plain HTTP.</summary>
internal sealed class EmulatorControl(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl };

    /// <summary>Arms a fault: the next <paramref name="count"/> calls to <paramref name="endpoint"/> fail as <paramref name="kind"/>.</summary>
    public async Task ArmFaultAsync(string endpoint, string kind, int count = 1, int? resetSeconds = null, int? delayMs = null)
    {
        var body = new Dictionary<string, object> { ["endpoint"] = endpoint, ["kind"] = kind, ["count"] = count };
        if (resetSeconds is { } reset)
        {
            body["reset_seconds"] = reset;
        }

        if (delayMs is { } delay)
        {
            body["delay_ms"] = delay;
        }

        using var response = await _http.PostAsJsonAsync("/_emulator/faults", body);
        await EnsureOkAsync(response);
    }

    /// <summary>How many shots of armed faults are left.</summary>
    public async Task<int> RemainingFaultsAsync()
    {
        using var response = await _http.GetAsync(new Uri("/_emulator/faults", UriKind.Relative));
        using var json = await EnsureOkAsync(response);
        return json.RootElement.GetProperty("data").GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("count").GetInt32());
    }

    public async Task ClearFaultsAsync()
    {
        using var response = await _http.DeleteAsync(new Uri("/_emulator/faults", UriKind.Relative));
        (await EnsureOkAsync(response)).Dispose();
    }

    /// <summary>Every token issued so far stops being valid now.</summary>
    public async Task ExpireTokensAsync()
    {
        using var response = await _http.PostAsync(new Uri("/_emulator/tokens/expire", UriKind.Relative), content: null);
        (await EnsureOkAsync(response)).Dispose();
    }

    public async Task MarkReadAsync(string messageId, string openId)
    {
        using var response = await _http.PostAsJsonAsync($"/_emulator/messages/{messageId}/read", new { open_id = openId });
        (await EnsureOkAsync(response)).Dispose();
    }

    /// <summary>A raw Open API GET with an explicit bearer token; returns the envelope's code.</summary>
    public async Task<int> CodeOfGetAsync(string pathAndQuery, string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        using var response = await _http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("code").GetInt32();
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The control call's answer, once it is HTTP 2xx with code 0 (else the test fails saying what came).</summary>
    internal static async Task<JsonDocument> EnsureOkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"emulator control call failed: HTTP {(int)response.StatusCode} {text}");
        var json = JsonDocument.Parse(text);
        Assert.Equal(0, json.RootElement.GetProperty("code").GetInt32());
        return json;
    }
}
