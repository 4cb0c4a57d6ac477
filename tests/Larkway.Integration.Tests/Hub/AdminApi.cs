using System.Net.Http.Headers;
using System.Text.Json;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The Hub's admin API as a test reads it.</summary>
internal static class AdminApi
{
    public static async Task<IReadOnlyList<JsonElement>> EventsAsync(Uri hub, string adminKey, string? status = null, string? type = null)
    {
        using var http = new HttpClient { BaseAddress = hub };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var query = "?limit=1000" + (status is null ? "" : "&status=" + status) + (type is null ? "" : "&type=" + type);
        using var response = await http.GetAsync("/api/v1/events" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("items");
        return [.. items.EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Waits until the inbox holds <paramref name="count"/> events and all are done.</summary>
    public static async Task WaitAllDoneAsync(Uri hub, string adminKey, int count)
    {
        IReadOnlyList<JsonElement> events = [];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            events = await EventsAsync(hub, adminKey);
            if (events.Count >= count && events.All(e => e.GetProperty("status").GetString() == "done"))
            {
                return;
            }

            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                var states = string.Join(", ", events.Select(e => $"{e.GetProperty("event_type").GetString()}:{e.GetProperty("status").GetString()}"));
                throw new TimeoutException($"Gave up waiting for {count} done events; the inbox has {events.Count}: {states}");
            }
        }
    }
}
