using System.Net.Http.Headers;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

public sealed class WeComMediaTests
{
    [Fact]
    public async Task An_uploaded_image_is_sent_and_downloaded_with_its_name_for_three_days()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var upload = await UploadAsync(emulator, token, "image", TestImages.Png, "chart.png");
        var mediaId = upload.Field("media_id")!;
        using var sent = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "image", ["image"] = new { media_id = mediaId } });
        using var download = await emulator.Http.GetAsync($"/wecom/cgi-bin/media/get?access_token={token}&media_id={mediaId}");
        var bytes = await download.Content.ReadAsByteArrayAsync();
        emulator.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromSeconds(1));
        token = await emulator.WeComTokenAsync();
        using var expired = await emulator.WeComGetAsync($"/wecom/cgi-bin/media/get?access_token={token}&media_id={mediaId}");

        Assert.Equal(0, upload.ErrCode());
        Assert.Equal("image", upload.Field("type"));
        Assert.Matches("^[0-9]+$", upload.Field("created_at"));
        Assert.Equal(0, sent.ErrCode());
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("chart.png", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(TestImages.Png, bytes);
        Assert.Equal(40007, expired.ErrCode());
    }

    [Fact]
    public async Task Download_honours_ranges()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var upload = await UploadAsync(emulator, token, "file", "0123456789abcdef"u8.ToArray(), "digits.txt");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/wecom/cgi-bin/media/get?access_token={token}&media_id={upload.Field("media_id")}");
        request.Headers.Range = new RangeHeaderValue(4, 7);
        using var part = await emulator.Http.SendAsync(request);

        Assert.Equal(206, (int)part.StatusCode);
        Assert.Equal("4567", await part.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("sticker", "file", 40005)]
    [InlineData("image", "not an image at all", 40004)]
    [InlineData("voice", "not amr audio", 40004)]
    [InlineData("video", "not an mp4 video", 40004)]
    [InlineData("file", "tiny", 40006)]
    public async Task Uploads_that_break_the_rules_are_refused(string type, string content, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();

        using var upload = await UploadAsync(emulator, token, type, System.Text.Encoding.UTF8.GetBytes(content), "x.bin");

        Assert.Equal(code, upload.ErrCode());
    }

    [Fact]
    public async Task An_image_over_10_mb_is_40009_and_a_body_without_media_44001()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        var big = new byte[(10 * 1024 * 1024) + 1];
        TestImages.Png.CopyTo(big, 0);

        using var tooBig = await UploadAsync(emulator, token, "image", big, "big.png");
        using var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        using var empty = await Reply.ReadAsync(await emulator.Http.PostAsync($"/wecom/cgi-bin/media/upload?access_token={token}&type=file", form));

        Assert.Equal(40009, tooBig.ErrCode());
        Assert.Equal(44001, empty.ErrCode());
    }

    [Theory]
    [InlineData("", "data_base64")]
    [InlineData("not json", "data_base64")]
    [InlineData("""{"filename":"a.png"}""", "data_base64")]
    [InlineData("""{"data_base64":"%%%"}""", "data_base64 must be base64")]
    [InlineData("""{"data_base64":"AAE="}""", "a picture is 6 bytes to 10 MB")]
    public async Task A_members_picture_without_usable_bytes_is_refused_with_what_to_send(string body, string says)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.WeComPostRawAsync("/_emulator/wecom/users/bob/image", body);

        Assert.Equal(400, reply.Status);
        Assert.Contains(says, reply.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Voice_must_be_voice_media()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        using var image = await UploadAsync(emulator, token, "image", TestImages.Png, "a.png");

        using var sent = await emulator.SendAppMessageAsync(token, new() { ["touser"] = "bob", ["msgtype"] = "voice", ["voice"] = new { media_id = image.Field("media_id") } });

        Assert.Equal(40007, sent.ErrCode());
        Assert.Contains("voice", sent.ErrMsg(), StringComparison.Ordinal);
    }

    private static async Task<Reply> UploadAsync(TestEmulator emulator, string token, string type, byte[] data, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "media", name);
        return await Reply.ReadAsync(await emulator.Http.PostAsync($"/wecom/cgi-bin/media/upload?access_token={token}&type={type}", form));
    }
}
