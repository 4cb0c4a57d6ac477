using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Im;

public sealed class HistoryTests
{
    /// <summary>Sends <paramref name="count"/> texts one second apart, returns (id, create second).</summary>
    private static async Task<List<(string Id, long Second)>> SeedAsync(TestEmulator emulator, string token, int count)
    {
        var sent = new List<(string, long)>();
        for (var i = 0; i < count; i++)
        {
            emulator.Clock.Advance(TimeSpan.FromSeconds(1));
            var id = await MessageOperationTests.SendTextAsync(emulator, token, "m" + i);
            sent.Add((id, emulator.Clock.GetUtcNow().ToUnixTimeSeconds()));
        }

        return sent;
    }

    private static async Task<(List<string> Ids, List<JsonElement> Pages)> ReadAllAsync(TestEmulator emulator, string token, string query)
    {
        var ids = new List<string>();
        var pages = new List<JsonElement>();
        string? pageToken = null;
        do
        {
            var path = $"/open-apis/im/v1/messages?container_id_type=chat&container_id={emulator.GeneralChat.ChatId}&{query}" + (pageToken is null ? string.Empty : "&page_token=" + Uri.EscapeDataString(pageToken));
            using var reply = await emulator.GetAsync(path, token);
            Assert.Equal(0, reply.Code);
            var data = reply.Data.Clone();
            pages.Add(data);
            ids.AddRange(data.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("message_id").GetString()!));
            pageToken = data.GetProperty("has_more").GetBoolean() ? data.GetProperty("page_token").GetString() : null;
        }
        while (pageToken is not null);

        return (ids, pages);
    }

    [Fact]
    public async Task Pages_walk_every_message_once_in_ascending_order()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var sent = await SeedAsync(emulator, token, 7);

        var (ids, pages) = await ReadAllAsync(emulator, token, "page_size=3");

        Assert.Equal(sent.Select(s => s.Id), ids);
        Assert.Equal(3, pages.Count);
        Assert.False(pages[^1].GetProperty("has_more").GetBoolean());
        Assert.False(pages[^1].TryGetProperty("page_token", out _));
    }

    [Fact]
    public async Task Descending_sort_reverses_and_default_page_size_is_20()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var sent = await SeedAsync(emulator, token, 22);

        var (ids, pages) = await ReadAllAsync(emulator, token, "sort_type=ByCreateTimeDesc");

        Assert.Equal(sent.Select(s => s.Id).Reverse(), ids);
        Assert.Equal(20, pages[0].GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Time_range_is_in_seconds_and_inclusive()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var sent = await SeedAsync(emulator, token, 6);

        var (ids, _) = await ReadAllAsync(emulator, token, $"start_time={sent[1].Second}&end_time={sent[3].Second}");

        Assert.Equal(sent.Skip(1).Take(3).Select(s => s.Id), ids);
    }

    [Fact]
    public async Task Page_token_stays_valid_when_messages_arrive_between_pages()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var sent = await SeedAsync(emulator, token, 4);
        var path = $"/open-apis/im/v1/messages?container_id_type=chat&container_id={emulator.GeneralChat.ChatId}&page_size=2";
        using var first = await emulator.GetAsync(path, token);
        var pageToken = first.Data.GetProperty("page_token").GetString()!;

        var late = await SeedAsync(emulator, token, 1);
        using var second = await emulator.GetAsync(path + "&page_token=" + Uri.EscapeDataString(pageToken), token);

        var secondIds = second.Data.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("message_id").GetString()).ToList();
        Assert.Equal([sent[2].Id, sent[3].Id], secondIds);
        Assert.True(second.Data.GetProperty("has_more").GetBoolean());
        Assert.NotEqual(late[0].Id, secondIds[0]);
    }

    [Theory]
    [InlineData("page_size=0")]
    [InlineData("page_size=51")]
    [InlineData("sort_type=Random")]
    [InlineData("page_token=garbage")]
    public async Task Invalid_paging_parameters_are_230001(string query)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.GetAsync($"/open-apis/im/v1/messages?container_id_type=chat&container_id={emulator.GeneralChat.ChatId}&{query}", token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(230001, reply.Code);
    }

    [Fact]
    public async Task A_token_from_one_sort_order_is_refused_by_the_other()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await SeedAsync(emulator, token, 3);
        var basePath = $"/open-apis/im/v1/messages?container_id_type=chat&container_id={emulator.GeneralChat.ChatId}&page_size=1";
        using var asc = await emulator.GetAsync(basePath, token);

        using var desc = await emulator.GetAsync(basePath + "&sort_type=ByCreateTimeDesc&page_token=" + Uri.EscapeDataString(asc.Data.GetProperty("page_token").GetString()!), token);

        Assert.Equal(230001, desc.Code);
    }
}
