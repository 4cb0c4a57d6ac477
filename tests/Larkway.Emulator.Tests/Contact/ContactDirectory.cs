using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>Control-API and paging helpers shared by the contact tests.</summary>
internal static class ContactDirectory
{
    public const string SecondApp = "cli_0123456789abcdef";

    /// <summary>A generated directory (prefix "gen"): ids gen000001…, departments gen-d0001….</summary>
    public static async Task GenerateAsync(TestEmulator emulator, int users, int departments)
    {
        using var reply = await emulator.PostJsonAsync("/_emulator/contact/generate", new { users, departments, prefix = "gen" });
        Assert.Equal(0, reply.Code);
    }

    public static async Task SetScopeAsync(TestEmulator emulator, string appId, object scope)
    {
        using var reply = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{appId}/contact-scope", JsonSerializer.Serialize(scope), null);
        Assert.Equal(0, reply.Code);
    }

    /// <summary>Every item of a listing, page by page, following page_token until has_more is false.</summary>
    public static async Task<List<JsonElement>> AllPagesAsync(TestEmulator emulator, string path, string token, int? pageSize = null)
    {
        var items = new List<JsonElement>();
        string? pageToken = null;
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        for (var pages = 0; pages < 10_000; pages++)
        {
            var query = (pageSize is null ? string.Empty : $"{separator}page_size={pageSize}") + (pageToken is null ? string.Empty : $"{(pageSize is null ? separator : "&")}page_token={Uri.EscapeDataString(pageToken)}");
            using var reply = await emulator.GetAsync(path + query, token);
            Assert.True(reply.Code == 0, reply.Text);
            items.AddRange(reply.Data.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            if (!reply.Data.GetProperty("has_more").GetBoolean())
            {
                Assert.False(reply.Data.TryGetProperty("page_token", out _));
                return items;
            }

            pageToken = reply.Data.GetProperty("page_token").GetString();
        }

        throw new InvalidOperationException("the listing never ended");
    }

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
