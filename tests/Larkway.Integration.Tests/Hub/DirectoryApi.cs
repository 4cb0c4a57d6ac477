using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The directory API as the directory tests of every platform drive it: a sync started and waited for, its runs, its lists.</summary>
internal static class DirectoryApi
{
    /// <summary>Starts a full sync and waits for that run to end; the run as the API shows it.</summary>
    public static async Task<JsonElement> SyncAsync(HttpClient admin)
    {
        using var started = await admin.PostAsync("/api/v1/directory/sync", null);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await HubSandbox.WaitUntilAsync(
            () => LastRunAsync(admin).GetAwaiter().GetResult() is var r && r.GetProperty("id").GetString() == id && r.GetProperty("status").GetString() != "running",
            "the sync to end", seconds: 120);
        return await LastRunAsync(admin);
    }

    /// <summary>Waits until the newest run is no longer running (one the Hub started itself).</summary>
    public static async Task<JsonElement> WaitForRunAsync(HttpClient admin)
    {
        await HubSandbox.WaitUntilAsync(() => LastRunAsync(admin).GetAwaiter().GetResult().GetProperty("status").GetString() != "running", "the sync to end", seconds: 120);
        return await LastRunAsync(admin);
    }

    /// <summary>The newest sync run.</summary>
    public static async Task<JsonElement> LastRunAsync(HttpClient admin)
    {
        var runs = await admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/sync?limit=1");
        return runs.GetProperty("items")[0].Clone();
    }

    /// <summary>The one person with <paramref name="email"/>.</summary>
    public static async Task<JsonElement> PersonByEmailAsync(HttpClient client, string email) =>
        (await ListAsync(client, "/api/v1/directory/people?email=" + Uri.EscapeDataString(email))).ShouldHaveSingleItem();

    /// <summary>The items of one page of a list endpoint, checked to answer 200.</summary>
    public static async Task<List<JsonElement>> ListAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }
}
