using System.Text.Json;
using Larkway.Emulator.Tests.DingTalk.Stream;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>
/// Pictures and files users send the robot: the robot message carries them as DingTalk's does (<c>msgtype</c> picture
/// or file with <c>content.downloadCode</c>), <c>/v1.0/robot/messageFiles/download</c> turns the code into a temporary
/// link for the robot that received it only, and the link serves the bytes until it expires.
/// </summary>
public sealed class DingTalkMessageFileTests
{
    private const string Download = "/dingtalk/v1.0/robot/messageFiles/download";

    [Fact]
    public async Task A_picture_message_carries_its_download_code_and_the_link_serves_its_bytes_for_an_hour()
    {
        var clock = new ManualClock();
        await using var emulator = await TestEmulator.StartAsync(clock: clock);
        var bytes = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5 };
        using var sent = await emulator.PostJsonAsync("/_emulator/dingtalk/stream/robot-messages", new
        {
            conversationType = "2", conversationTitle = "Support", senderStaffId = "manager4821", senderNick = "张三", msgtype = "picture",
            contentBase64 = Convert.ToBase64String(bytes), appKey = emulator.Options.DingTalkAppKey,
        });
        Assert.Equal(200, sent.Status);
        var downloadCode = sent.Json.GetProperty("downloadCode").GetString()!;
        using var message = JsonDocument.Parse(emulator.Deliveries().Last(d => d.Data is not null).Data!);
        Assert.Equal("picture", message.RootElement.GetProperty("msgtype").GetString());
        Assert.Equal(downloadCode, message.RootElement.GetProperty("content").GetProperty("downloadCode").GetString());
        Assert.False(message.RootElement.TryGetProperty("text", out _));

        var token = await emulator.ApiTokenAsync();
        using var link = await emulator.PostDingTalkAsync(Download, new { downloadCode, robotCode = emulator.Options.DingTalkAppKey }, token);
        Assert.Equal(200, link.Status);
        var url = link.Json.GetProperty("downloadUrl").GetString()!;
        using var http = new HttpClient();
        using (var file = await http.GetAsync(url))
        {
            Assert.Equal(bytes, await file.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        }

        clock.Advance(TimeSpan.FromMinutes(61));
        using var expired = await http.GetAsync(url);
        Assert.Equal(403, (int)expired.StatusCode);
        Assert.Contains("Request has expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_message_names_its_file_and_groups_are_refused_files()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var sent = await emulator.PostJsonAsync("/_emulator/dingtalk/stream/robot-messages", new
        {
            conversationType = "1", senderStaffId = "manager4821", senderNick = "张三", msgtype = "file", fileName = "报告.pdf",
            contentBase64 = Convert.ToBase64String("%PDF"u8.ToArray()),
        });
        using var group = await emulator.PostJsonAsync("/_emulator/dingtalk/stream/robot-messages", new
        {
            conversationType = "2", senderStaffId = "manager4821", senderNick = "张三", msgtype = "file", fileName = "a.pdf", contentBase64 = "JVBERg==",
        });

        Assert.Equal(200, sent.Status);
        using var message = JsonDocument.Parse(emulator.Deliveries().Last(d => d.Data is not null).Data!);
        Assert.Equal("file", message.RootElement.GetProperty("msgtype").GetString());
        var content = message.RootElement.GetProperty("content");
        Assert.Equal("报告.pdf", content.GetProperty("fileName").GetString());
        Assert.Equal(sent.Json.GetProperty("downloadCode").GetString(), content.GetProperty("downloadCode").GetString());
        Assert.Equal(400, group.Status);
    }

    public static TheoryData<string, int, string> Refusals() => new()
    {
        { "{\"robotCode\":\"R\",\"downloadCode\":\"bm90LWEtY29kZQ==\"}", 404, "invalidParameter.downloadCode.notExist" },
        { "{\"robotCode\":\"dingsomeotherrobot01\",\"downloadCode\":\"CODE\"}", 400, "invalidParameter.robotCode.auth" },
        { "{\"downloadCode\":\"CODE\"}", 400, "invalidParameter.robotCode.empty" },
        { "{\"robotCode\":\"R\"}", 400, "InvalidParameter" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Download_refusals_are_the_new_APIs_error_shape(string body, int status, string code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var sent = await emulator.PostJsonAsync("/_emulator/dingtalk/stream/robot-messages", new
        {
            conversationType = "1", senderStaffId = "manager4821", senderNick = "张三", msgtype = "picture", contentBase64 = "iVBORw0KGgo=", appKey = emulator.Options.DingTalkAppKey,
        });
        var token = await emulator.ApiTokenAsync();
        var json = body.Replace("\"R\"", $"\"{emulator.Options.DingTalkAppKey}\"", StringComparison.Ordinal)
            .Replace("CODE", sent.Json.GetProperty("downloadCode").GetString()!.Replace("/", "\\/", StringComparison.Ordinal), StringComparison.Ordinal);

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, Download, json, token);
        using var noToken = await emulator.SendDingTalkAsync(HttpMethod.Post, Download, json, null);

        Assert.Equal(status, reply.Status);
        Assert.Equal(code, reply.ApiCode());
        Assert.NotNull(reply.Header("x-acs-request-id"));
        Assert.Equal("InvalidAuthentication", noToken.ApiCode());
    }

    [Fact]
    public async Task A_code_another_app_received_is_unknown_to_this_robot()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var sent = await emulator.PostJsonAsync("/_emulator/dingtalk/stream/robot-messages", new
        {
            conversationType = "1", senderStaffId = "manager4821", senderNick = "张三", msgtype = "picture", contentBase64 = "iVBORw0KGgo=", appKey = "dingotherapp0000001",
        });
        var token = await emulator.ApiTokenAsync();

        using var reply = await emulator.PostDingTalkAsync(Download, new { downloadCode = sent.Json.GetProperty("downloadCode").GetString(), robotCode = emulator.Options.DingTalkAppKey }, token);

        Assert.Equal(404, reply.Status);
        Assert.Equal("invalidParameter.downloadCode.notExist", reply.ApiCode());
    }
}
