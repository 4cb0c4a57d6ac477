using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Bitable;

/// <summary>Raw-wire helpers for the Bitable tests: requests shaped as the bitable v1 pages show them.</summary>
internal static class BitableApi
{
    public const string Apps = "/open-apis/bitable/v1/apps";

    public static async Task<Reply> SendAsync(TestEmulator emulator, HttpMethod method, string path, object? body, string token) =>
        await emulator.SendAsync(method, path, body is null ? null : body as string ?? JsonSerializer.Serialize(body), token);

    public static async Task<(string AppToken, string DefaultTableId)> CreateBaseAsync(TestEmulator emulator, string token, string name = "Sync base", string? timeZone = null)
    {
        using var reply = await emulator.PostJsonAsync(Apps, new { name, time_zone = timeZone }, token);
        Assert.True(reply.Code == 0, reply.Text);
        var app = reply.Data.GetProperty("app");
        return (app.GetProperty("app_token").GetString()!, app.GetProperty("default_table_id").GetString()!);
    }

    /// <summary>A table with the given fields (the first is the index field); returns its id and field ids.</summary>
    public static async Task<(string TableId, string ViewId, string[] FieldIds)> CreateTableAsync(TestEmulator emulator, string token, string appToken, string name, params object[] fields)
    {
        using var reply = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables", new { table = new { name, default_view_name = "Grid", fields } }, token);
        Assert.True(reply.Code == 0, reply.Text);
        return (reply.Data.GetProperty("table_id").GetString()!, reply.Data.GetProperty("default_view_id").GetString()!,
            [.. reply.Data.GetProperty("field_id_list").EnumerateArray().Select(f => f.GetString()!)]);
    }

    public static object Field(string name, int type, object? property = null, string? uiType = null) =>
        new { field_name = name, type, ui_type = uiType, property };

    public static async Task<string> CreateRecordAsync(TestEmulator emulator, string token, string appToken, string tableId, object fields, string query = "")
    {
        using var reply = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records{query}", new { fields }, token);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("record").GetProperty("record_id").GetString()!;
    }

    public static async Task<JsonElement> SearchAsync(TestEmulator emulator, string token, string appToken, string tableId, object body, string query = "")
    {
        using var reply = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records/search{query}", body, token);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.Clone();
    }
}
