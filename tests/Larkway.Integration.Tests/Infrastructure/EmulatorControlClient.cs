using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>
/// A test's client of one of the emulator's control APIs (under <c>/_emulator/…/</c>): JSON in, JSON out, any failure an
/// assertion that shows the emulator's answer. Each platform's control client adds its endpoints.
/// </summary>
internal abstract class EmulatorControlClient(Uri emulator, string controlPath) : IDisposable
{
    protected HttpClient Http { get; } = new() { BaseAddress = new Uri(emulator, controlPath) };

    public void Dispose()
    {
        Http.Dispose();
        GC.SuppressFinalize(this);
    }

    protected async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: HTTP {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    protected async Task<JsonElement> GetAsync(string path) => JsonDocument.Parse(await Http.GetStringAsync(path)).RootElement.Clone();

    /// <summary>A list answer's items (a bare array, or <c>{"items":[…]}</c>).</summary>
    protected static IReadOnlyList<JsonElement> Items(JsonElement answer) =>
        [.. (answer.ValueKind == JsonValueKind.Array ? answer : answer.GetProperty("items")).EnumerateArray()];
}
