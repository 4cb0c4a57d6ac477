using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Bitable;

/// <summary>records/search: the filter grammar of 记录筛选参数填写说明, sorting, paging and date truncation to the day.</summary>
public sealed class BitableSearchTests
{
    private const string Apps = BitableApi.Apps;

    private static async Task<(TestEmulator Emulator, string Token, string AppToken, string TableId)> SalesAsync(string timeZone = "Asia/Shanghai")
    {
        var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token, timeZone: timeZone);
        var (tableId, _, _) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Sales",
            BitableApi.Field("Name", 1), BitableApi.Field("Role", 3), BitableApi.Field("Sales", 2), BitableApi.Field("Tags", 4),
            BitableApi.Field("Joined", 5), BitableApi.Field("Active", 7), BitableApi.Field("Owner", 11), BitableApi.Field("Files", 17), BitableApi.Field("Modified", 1002));
        var bob = emulator.User("bob@example.com").OpenId;
        var rows = new object[]
        {
            new { Name = "Zhang One", Role = "Junior", Sales = 10000, Tags = new[] { "a" }, Joined = 1772409600000, Active = true, Owner = new[] { new { id = bob } } },
            new { Name = "Zhang Two", Role = "Junior", Sales = 15000, Tags = new[] { "a", "b" }, Joined = 1772413200000 },
            new { Name = "Zhang Three", Role = "Junior", Sales = 20000 },
            new { Name = "Zhang Four", Role = "Senior", Sales = 30000, Tags = new[] { "b" }, Active = true },
            new { Name = "Zhang Five", Role = "Senior", Sales = 50000 },
            new { Name = "Zhang Six", Role = "Manager", Sales = 100000, Joined = 1772323200000 },
        };
        using var batch = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records/batch_create", new { records = rows.Select(r => new { fields = r }) }, token);
        Assert.True(batch.Code == 0, batch.Text);
        return (emulator, token, appToken, tableId);
    }

    private static List<string> Names(JsonElement data) => [.. data.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("fields").GetProperty("Name")[0].GetProperty("text").GetString()!)];

    [Fact]
    public async Task Conditions_join_with_and_or_and_one_level_of_children()
    {
        var (emulator, token, appToken, tableId) = await SalesAsync();
        await using var running = emulator;

        var juniorsAbove = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new
        {
            filter = new { conjunction = "and", conditions = new[] { new { field_name = "Role", @operator = "is", value = new[] { "Junior" } }, new { field_name = "Sales", @operator = "isGreater", value = new[] { "10000.0" } } } },
        });
        Assert.Equal(["Zhang Two", "Zhang Three"], Names(juniorsAbove));
        Assert.Equal(2, juniorsAbove.GetProperty("total").GetInt32());

        var seniorOrBig = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new
        {
            filter = new { conjunction = "or", conditions = new[] { new { field_name = "Role", @operator = "is", value = new[] { "Senior" } }, new { field_name = "Sales", @operator = "isGreater", value = new[] { "20000" } } } },
        });
        Assert.Equal(["Zhang Four", "Zhang Five", "Zhang Six"], Names(seniorOrBig));

        var children = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new
        {
            filter = new
            {
                conjunction = "and",
                children = new[]
                {
                    new { conjunction = "or", conditions = new[] { new { field_name = "Role", @operator = "is", value = new[] { "Senior" } }, new { field_name = "Role", @operator = "is", value = new[] { "Junior" } } } },
                    new { conjunction = "or", conditions = new[] { new { field_name = "Sales", @operator = "is", value = new[] { "10000.0" } }, new { field_name = "Sales", @operator = "is", value = new[] { "30000" } } } },
                },
            },
        });
        Assert.Equal(["Zhang One", "Zhang Four"], Names(children));

        var text = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new
        {
            filter = new { conjunction = "and", conditions = new object[] { new { field_name = "Name", @operator = "contains", value = new[] { "t" } }, new { field_name = "Name", @operator = "doesNotContain", value = new[] { "three" } } } },
        });
        Assert.Equal(["Zhang Two"], Names(text));

        var tags = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new
        {
            filter = new { conjunction = "and", conditions = new object[] { new { field_name = "Tags", @operator = "contains", value = new[] { "b", "z" } }, new { field_name = "Active", @operator = "is", value = new[] { "false" } } } },
        });
        Assert.Equal(["Zhang Two"], Names(tags));

        var people = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new
        {
            filter = new { conjunction = "and", conditions = new object[] { new { field_name = "Owner", @operator = "is", value = new[] { emulator.User("bob@example.com").UserId } } } },
        }, "?user_id_type=user_id");
        Assert.Equal(["Zhang One"], Names(people));

        var empty = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new
        {
            filter = new { conjunction = "and", conditions = new object[] { new { field_name = "Tags", @operator = "isEmpty", value = Array.Empty<string>() }, new { field_name = "Files", @operator = "isEmpty", value = Array.Empty<string>() } } },
        });
        Assert.Equal(["Zhang Three", "Zhang Five", "Zhang Six"], Names(empty));
    }

    [Theory]
    [InlineData("{\"conjunction\":\"xor\",\"conditions\":[]}")]
    [InlineData("{\"conditions\":[]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Name\",\"operator\":\"isEmpty\"}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Name\",\"operator\":\"like\",\"value\":[\"x\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Name\",\"operator\":\"is\",\"value\":[\"a\",\"b\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Name\",\"operator\":\"isGreater\",\"value\":[\"a\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Sales\",\"operator\":\"is\",\"value\":[\"lots\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Role\",\"operator\":\"is\",\"value\":[\"a\",\"b\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Active\",\"operator\":\"isNot\",\"value\":[\"true\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Files\",\"operator\":\"is\",\"value\":[\"x\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Joined\",\"operator\":\"isNot\",\"value\":[\"Today\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Joined\",\"operator\":\"isGreater\",\"value\":[\"CurrentWeek\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Joined\",\"operator\":\"is\",\"value\":[\"today\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Nope\",\"operator\":\"is\",\"value\":[\"x\"]}]}")]
    [InlineData("{\"conjunction\":\"and\",\"children\":[{\"conjunction\":\"and\",\"children\":[{\"conjunction\":\"and\",\"conditions\":[]}]}]}")]
    public async Task A_filter_the_guide_does_not_allow_is_1254018(string filter)
    {
        var (emulator, token, appToken, tableId) = await SalesAsync();
        await using var running = emulator;
        using var reply = await BitableApi.SendAsync(emulator, HttpMethod.Post, $"{Apps}/{appToken}/tables/{tableId}/records/search", "{\"filter\":" + filter + "}", token);
        Assert.Equal(1254018, reply.Code);
        Assert.Equal(200, reply.Status);
    }

    [Fact]
    public async Task Date_filters_are_truncated_to_the_day_in_the_bases_time_zone()
    {
        // 2026-03-02 09:00 UTC = 17:00 in Shanghai. Joined: One 2026-03-02 08:00 Shanghai, Two 09:00 Shanghai, Six 2026-03-01 08:00.
        var (emulator, token, appToken, tableId) = await SalesAsync();
        await using var running = emulator;

        // An ExactDate late in the day (23:30 Shanghai) still means the whole day from 00:00.
        var lateThatDay = new DateTimeOffset(2026, 3, 2, 23, 30, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sameDay = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Joined", @operator = "is", value = new[] { "ExactDate", lateThatDay } } } } });
        Assert.Equal(["Zhang One", "Zhang Two"], Names(sameDay));
        var before = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Joined", @operator = "isLess", value = new[] { "ExactDate", lateThatDay } } } } });
        Assert.Equal(["Zhang Six"], Names(before));
        var today = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Joined", @operator = "is", value = new[] { "Today" } } } } });
        Assert.Equal(["Zhang One", "Zhang Two"], Names(today));
        var yesterday = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Joined", @operator = "is", value = new[] { "Yesterday" } } } } });
        Assert.Equal(["Zhang Six"], Names(yesterday));
        var week = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Joined", @operator = "is", value = new[] { "CurrentWeek" } } } } });
        Assert.Equal(["Zhang One", "Zhang Two"], Names(week));

        // "Modified since" is day-granular on the server: everything modified today matches an ExactDate of a moment ago.
        emulator.Clock.Advance(TimeSpan.FromMinutes(30));
        var moment = emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var modified = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Modified", @operator = "is", value = new[] { "ExactDate", moment } } } } });
        Assert.Equal(6, modified.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Date_days_follow_the_base_zone_not_utc()
    {
        // In Los Angeles it is still 2026-03-02 01:00; One and Two joined on 2026-03-01 there.
        var (emulator, token, appToken, tableId) = await SalesAsync("America/Los_Angeles");
        await using var running = emulator;
        var yesterday = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Joined", @operator = "is", value = new[] { "Yesterday" } } } } });
        Assert.Equal(["Zhang One", "Zhang Two"], Names(yesterday));
    }

    [Fact]
    public async Task Sort_field_names_automatic_fields_and_pages()
    {
        var (emulator, token, appToken, tableId) = await SalesAsync();
        await using var running = emulator;
        var path = $"{Apps}/{appToken}/tables/{tableId}/records/search";
        var body = new { sort = new[] { new { field_name = "Role", desc = false }, new { field_name = "Sales", desc = true } }, field_names = new[] { "Name", "Sales" }, automatic_fields = true };

        using var first = await emulator.PostJsonAsync(path + "?page_size=4", body, token);
        Assert.True(first.Code == 0, first.Text);
        Assert.True(first.Data.GetProperty("has_more").GetBoolean());
        Assert.Equal(6, first.Data.GetProperty("total").GetInt32());

        // Selects sort by their options' order (Junior, Senior, Manager as first written), then Sales descending.
        Assert.Equal(["Zhang Three", "Zhang Two", "Zhang One", "Zhang Five"], Names(first.Data));
        var item = first.Data.GetProperty("items")[0];
        Assert.False(item.GetProperty("fields").TryGetProperty("Role", out _));
        Assert.True(item.TryGetProperty("created_time", out _));
        Assert.True(item.TryGetProperty("last_modified_by", out _));

        using var second = await emulator.PostJsonAsync(path + "?page_size=4&page_token=" + Uri.EscapeDataString(first.Data.GetProperty("page_token").GetString()!), body, token);
        Assert.Equal(["Zhang Four", "Zhang Six"], Names(second.Data));
        Assert.False(second.Data.GetProperty("has_more").GetBoolean());
        Assert.False(second.Data.TryGetProperty("page_token", out _));

        using var otherQuery = await emulator.PostJsonAsync(path + "?page_token=" + Uri.EscapeDataString(first.Data.GetProperty("page_token").GetString()!), new { }, token);
        Assert.Equal(1254002, otherQuery.Code);
        using var badSort = await emulator.PostJsonAsync(path, new { sort = new[] { new { field_name = "Nope" } } }, token);
        Assert.Equal(1254016, badSort.Code);
        using var badNames = await emulator.PostJsonAsync(path, new { field_names = new[] { "Nope" } }, token);
        Assert.Equal(1254024, badNames.Code);
        using var bigPage = await emulator.PostJsonAsync(path + "?page_size=501", new { }, token);
        Assert.Equal(99992402, bigPage.Code);

        // The legacy list: sort as a JSON string, text as a plain string.
        using var list = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/records?sort=" + Uri.EscapeDataString("[\"Sales DESC\"]") + "&page_size=1", token);
        Assert.Equal("Zhang Six", list.Data.GetProperty("items")[0].GetProperty("fields").GetProperty("Name").GetString());
    }

    [Fact]
    public async Task A_views_filter_applies_unless_the_search_brings_its_own()
    {
        var (emulator, token, appToken, tableId) = await SalesAsync();
        await using var running = emulator;
        using var views = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/views", token);
        var viewId = views.Data.GetProperty("items")[0].GetProperty("view_id").GetString()!;
        using var fields = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/fields", token);
        var role = fields.Data.GetProperty("items").EnumerateArray().Single(f => f.GetProperty("field_name").GetString() == "Role").GetProperty("field_id").GetString();
        using var patch = await BitableApi.SendAsync(emulator, HttpMethod.Patch, $"{Apps}/{appToken}/tables/{tableId}/views/{viewId}", new { property = new { filter_info = new { conjunction = "and", conditions = new[] { new { field_id = role, @operator = "is", value = "[\"Senior\"]" } } } } }, token);
        Assert.True(patch.Code == 0, patch.Text);

        var inView = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { view_id = viewId });
        Assert.Equal(["Zhang Four", "Zhang Five"], Names(inView));
        var ownFilter = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { view_id = viewId, filter = new { conjunction = "and", conditions = new[] { new { field_name = "Role", @operator = "is", value = new[] { "Manager" } } } } });
        Assert.Equal(["Zhang Six"], Names(ownFilter));
        using var missingView = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records/search", new { view_id = "vewNope123" }, token);
        Assert.Equal(1254042, missingView.Code);
    }
}
