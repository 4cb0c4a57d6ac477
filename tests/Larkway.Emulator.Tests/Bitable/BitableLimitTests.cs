using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Bitable;

/// <summary>Limits, frequency control and write serialisation as the bitable pages describe them.</summary>
public sealed class BitableLimitTests
{
    private const string Apps = BitableApi.Apps;

    [Fact]
    public async Task Writes_to_one_base_that_overlap_are_refused_with_1254291()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Bitable.WriteDuration = TimeSpan.FromSeconds(30));
        var token = await emulator.TenantTokenAsync();
        var (appToken, tableId) = await BitableApi.CreateBaseAsync(emulator, token);
        var (otherBase, otherTable) = await BitableApi.CreateBaseAsync(emulator, token, "Other");

        using var first = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records", new { fields = new { 文本 = "a" } }, token);
        Assert.True(first.Code == 0, first.Text);

        // The first write still occupies the base: a second one, even to another table of it, conflicts.
        using var second = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records", new { fields = new { 文本 = "b" } }, token);
        Assert.Equal(200, second.Status);
        Assert.Equal(1254291, second.Code);
        using var field = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/fields", new { field_name = "X", type = 1 }, token);
        Assert.Equal(1254291, field.Code);

        // Reads and other bases are not held up.
        var read = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { });
        Assert.Equal(1, read.GetProperty("total").GetInt32());
        using var elsewhere = await emulator.PostJsonAsync($"{Apps}/{otherBase}/tables/{otherTable}/records", new { fields = new { 文本 = "c" } }, token);
        Assert.True(elsewhere.Code == 0, elsewhere.Text);
    }

    [Fact]
    public async Task Armed_faults_answer_the_next_writes_with_1254291_1254607_and_1254290()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, tableId) = await BitableApi.CreateBaseAsync(emulator, token);
        var path = $"{Apps}/{appToken}/tables/{tableId}/records";
        using (var arm = await emulator.PostJsonAsync("/_emulator/bitable/faults", new { kind = "write_conflict", app_token = appToken }, token))
        {
            Assert.True(arm.Code == 0, arm.Text);
        }

        using (await emulator.PostJsonAsync("/_emulator/bitable/faults", new { kind = "data_not_ready", count = 1 }, token))
        using (await emulator.PostJsonAsync("/_emulator/bitable/faults", new { kind = "too_many_requests" }, token))
        {
        }

        using var conflict = await emulator.PostJsonAsync(path, new { fields = new { 文本 = "a" } }, token);
        Assert.Equal(1254291, conflict.Code);
        using var notReady = await emulator.PostJsonAsync(path, new { fields = new { 文本 = "a" } }, token);
        Assert.Equal(400, notReady.Status);
        Assert.Equal(1254607, notReady.Code);
        using var tooFast = await emulator.PostJsonAsync(path, new { fields = new { 文本 = "a" } }, token);
        Assert.Equal(1254290, tooFast.Code);
        using var fine = await emulator.PostJsonAsync(path, new { fields = new { 文本 = "a" } }, token);
        Assert.True(fine.Code == 0, fine.Text);
        var all = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { });
        Assert.Equal(1, all.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_batch_too_heavy_to_finish_is_1254607_and_a_smaller_one_passes()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Bitable.MaxBatchCells = 10);
        var token = await emulator.TenantTokenAsync();
        var (appToken, tableId) = await BitableApi.CreateBaseAsync(emulator, token);
        var path = $"{Apps}/{appToken}/tables/{tableId}/records/batch_create";
        using var heavy = await emulator.PostJsonAsync(path, new { records = Enumerable.Range(0, 11).Select(i => new { fields = new { 文本 = "r" + i } }) }, token);
        Assert.Equal(1254607, heavy.Code);
        using var smaller = await emulator.PostJsonAsync(path, new { records = Enumerable.Range(0, 10).Select(i => new { fields = new { 文本 = "r" + i } }) }, token);
        Assert.True(smaller.Code == 0, smaller.Text);
    }

    [Fact]
    public async Task Writes_to_one_table_past_its_rate_are_1254290_and_each_api_has_its_own_429_tier()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Bitable.TableWritesPerSecond = 2);
        var token = await emulator.TenantTokenAsync();
        var other = await emulator.AddAppAsync("cli_other0000000002");
        var (appToken, tableId) = await BitableApi.CreateBaseAsync(emulator, token);
        var path = $"{Apps}/{appToken}/tables/{tableId}/records";
        using (var a = await emulator.PostJsonAsync(path, new { fields = new { 文本 = "a" } }, token))
        using (var b = await emulator.PostJsonAsync(path, new { fields = new { 文本 = "b" } }, other))
        {
            Assert.Equal(0, a.Code);
            Assert.Equal(0, b.Code);
        }

        // The table's budget is shared by every caller.
        using var third = await emulator.PostJsonAsync(path, new { fields = new { 文本 = "c" } }, other);
        Assert.Equal(1254290, third.Code);
        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using var later = await emulator.PostJsonAsync(path, new { fields = new { 文本 = "c" } }, other);
        Assert.Equal(0, later.Code);

        // search: 20/s per app → the gateway's 429.
        for (var i = 0; i < 20; i++)
        {
            using var ok = await emulator.PostJsonAsync(path + "/search", new { }, token);
            Assert.Equal(0, ok.Code);
        }

        using var limited = await emulator.PostJsonAsync(path + "/search", new { }, token);
        Assert.Equal(429, limited.Status);
        Assert.Equal(99991400, limited.Code);
        Assert.Equal("20", limited.Header("x-ogw-ratelimit-limit"));
        Assert.NotNull(limited.Header("x-ogw-ratelimit-reset"));

        // Creating bases: 20 per minute.
        for (var i = 0; i < 19; i++)
        {
            using var created = await emulator.PostJsonAsync(Apps, new { name = "b" + i }, token);
            Assert.Equal(0, created.Code);
        }

        using var twentyFirst = await emulator.PostJsonAsync(Apps, new { name = "one too many" }, token);
        Assert.Equal(429, twentyFirst.Status);
        Assert.Equal("20", twentyFirst.Header("x-ogw-ratelimit-limit"));
    }

    [Fact]
    public async Task Tables_views_fields_records_and_cells_have_their_limits()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.Bitable.MaxTablesPerBase = 2;
            o.Bitable.MaxViewsPerTable = 2;
            o.Bitable.MaxFieldsPerTable = 2;
            o.Bitable.MaxRecordsPerTable = 2;
        });
        var token = await emulator.TenantTokenAsync();
        var (appToken, tableId) = await BitableApi.CreateBaseAsync(emulator, token);
        using (var second = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables", new { table = new { name = "Two" } }, token))
        {
            Assert.Equal(0, second.Code);
        }

        using var third = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables", new { table = new { name = "Three" } }, token);
        Assert.Equal(1254100, third.Code);
        using (await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/views", new { view_name = "V2" }, token))
        {
        }

        using var view = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/views", new { view_name = "V3" }, token);
        Assert.Equal(1254101, view.Code);
        using (await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/fields", new { field_name = "F2", type = 1 }, token))
        {
        }

        using var field = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/fields", new { field_name = "F3", type = 1 }, token);
        Assert.Equal(1254105, field.Code);
        using var records = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records/batch_create", new { records = Enumerable.Range(0, 3).Select(i => new { fields = new { F2 = "x" } }) }, token);
        Assert.Equal(1254103, records.Code);
        using var cell = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records", new { fields = new { F2 = new string('x', 100_001) } }, token);
        Assert.Equal(1254130, cell.Code);
    }
}
