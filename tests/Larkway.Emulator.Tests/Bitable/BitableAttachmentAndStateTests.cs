using System.Net.Http.Headers;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Bitable;

/// <summary>Attachment cells with media uploaded to the base, and bases surviving a restart in the state file.</summary>
public sealed class BitableAttachmentAndStateTests : IDisposable
{
    private const string Apps = BitableApi.Apps;
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-bitable-").FullName;

    [Fact]
    public async Task An_attachment_uploaded_to_the_base_is_written_read_with_its_metadata_and_downloaded()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token);
        var (other, _) = await BitableApi.CreateBaseAsync(emulator, token, "Other");
        var (tableId, _, _) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Docs", BitableApi.Field("Name", 1), BitableApi.Field("Files", 17));
        var bytes = "%PDF-1.4 invoice"u8.ToArray();

        var fileToken = await UploadAsync(emulator, token, appToken, "invoice.pdf", bytes);
        var foreign = await UploadAsync(emulator, token, other, "elsewhere.pdf", bytes);
        using (var badParent = await UploadRawAsync(emulator, token, "NoSuchBase", "x.pdf", bytes))
        {
            Assert.Equal(1061044, badParent.Code);
        }

        var recordId = await BitableApi.CreateRecordAsync(emulator, token, appToken, tableId, new { Name = "Invoice", Files = new[] { new { file_token = fileToken } } });
        using var read = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/records/{recordId}", token);
        var file = read.Data.GetProperty("record").GetProperty("fields").GetProperty("Files")[0];
        Assert.Equal(fileToken, file.GetProperty("file_token").GetString());
        Assert.Equal("invoice.pdf", file.GetProperty("name").GetString());
        Assert.Equal("application/pdf", file.GetProperty("type").GetString());
        Assert.Equal(bytes.Length, file.GetProperty("size").GetInt32());

        using var download = new HttpRequestMessage(HttpMethod.Get, file.GetProperty("url").GetString());
        download.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var downloaded = await emulator.Http.SendAsync(download);
        Assert.Equal(bytes, await downloaded.Content.ReadAsByteArrayAsync());

        using var notMounted = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records", new { fields = new { Files = new[] { new { file_token = foreign } } } }, token);
        Assert.Equal(1254303, notMounted.Code);
        using var badShape = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records", new { fields = new { Files = fileToken } }, token);
        Assert.Equal(1254069, badShape.Code);
    }

    [Fact]
    public async Task Bases_records_subscriptions_and_client_tokens_survive_a_restart()
    {
        var file = Path.Combine(_folder, "state.json");
        var clock = new ManualClock();
        string appToken, tableId, recordId;
        const string query = "?client_token=7d444840-9dc0-4e3c-9a56-2d1c1f1c4b1a";
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = file, clock))
        {
            var token = await first.TenantTokenAsync();
            (appToken, _) = await BitableApi.CreateBaseAsync(first, token, timeZone: "Europe/Paris");
            (tableId, _, _) = await BitableApi.CreateTableAsync(first, token, appToken, "Kept", BitableApi.Field("Name", 1), BitableApi.Field("Kind", 3), BitableApi.Field("No", 1005));
            recordId = await BitableApi.CreateRecordAsync(first, token, appToken, tableId, new { Name = "one", Kind = "A" }, query);
            using var subscribe = await first.PostJsonAsync($"/open-apis/drive/v1/files/{appToken}/subscribe?file_type=bitable", new { }, token);
            Assert.Equal(0, subscribe.Code);
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = file, clock);
        var again = await second.TenantTokenAsync();
        using (var get = await second.GetAsync($"{Apps}/{appToken}", again))
        {
            Assert.Equal("Europe/Paris", get.Data.GetProperty("app").GetProperty("time_zone").GetString());
        }

        var found = await BitableApi.SearchAsync(second, again, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Kind", @operator = "is", value = new[] { "A" } } } } });
        Assert.Equal(recordId, found.GetProperty("items")[0].GetProperty("record_id").GetString());

        // The client_token still answers without writing; auto numbers go on.
        Assert.Equal(recordId, await BitableApi.CreateRecordAsync(second, again, appToken, tableId, new { Name = "one", Kind = "A" }, query));
        var next = await BitableApi.CreateRecordAsync(second, again, appToken, tableId, new { Name = "two" });
        using var read = await second.GetAsync($"{Apps}/{appToken}/tables/{tableId}/records/{next}", again);
        Assert.Equal("2", read.Data.GetProperty("record").GetProperty("fields").GetProperty("No").GetString());
        using var subscribed = await second.GetAsync($"/open-apis/drive/v1/files/{appToken}/get_subscribe?file_type=bitable", again);
        Assert.True(subscribed.Data.GetProperty("is_subscribe").GetBoolean());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<string> UploadAsync(TestEmulator emulator, string token, string appToken, string name, byte[] bytes)
    {
        using var reply = await UploadRawAsync(emulator, token, appToken, name, bytes);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("file_token").GetString()!;
    }

    private static async Task<Reply> UploadRawAsync(TestEmulator emulator, string token, string appToken, string name, byte[] bytes)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(name), "file_name" },
            { new StringContent("bitable_file"), "parent_type" },
            { new StringContent(appToken), "parent_node" },
            { new StringContent(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), "size" },
            { new ByteArrayContent(bytes), "file", name },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open-apis/drive/v1/medias/upload_all") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Reply.ReadAsync(await emulator.Http.SendAsync(request));
    }
}
