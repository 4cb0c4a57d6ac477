using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Im;

public sealed class UploadTests
{
    [Fact]
    public async Task Image_round_trip()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var key = await emulator.UploadImageAsync(token, TestImages.Png);

        Assert.StartsWith("img_", key, StringComparison.Ordinal);
        using var download = await emulator.GetAsync($"/open-apis/im/v1/images/{key}", token);
        Assert.Equal(200, download.Status);
        Assert.Equal(TestImages.Png, download.Body);
        Assert.Equal("image/png", download.Response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Image_part_without_a_filename_keeps_its_bytes()
    {
        // The official Node SDK sends the image as a plain form field (no filename).
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var part = new ByteArrayContent(TestImages.Png);
        part.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data") { Name = "\"image\"" };
        using var form = new MultipartFormDataContent { { new StringContent("message"), "image_type" } };
        form.Add(part);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open-apis/im/v1/images") { Content = form };
        request.Headers.Authorization = new("Bearer", token);

        using var reply = await Reply.ReadAsync(await emulator.Http.SendAsync(request));

        Assert.Equal(0, reply.Code);
        Assert.Equal(TestImages.Png, emulator.State.FindResource(reply.Data.GetProperty("image_key").GetString()!)!.Data.ToArray());
    }

    [Theory]
    [InlineData("text", 234011)]
    [InlineData("empty", 234010)]
    [InlineData("huge", 234006)]
    public async Task Bad_images_are_refused(string kind, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        byte[] bytes = kind switch
        {
            "text" => "<svg>not really</svg>"u8.ToArray(),
            "empty" => [],
            _ => [.. TestImages.Png, .. new byte[10 * 1024 * 1024]],
        };
        using var form = new MultipartFormDataContent { { new StringContent("message"), "image_type" }, { new ByteArrayContent(bytes), "image", "x.png" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open-apis/im/v1/images") { Content = form };
        request.Headers.Authorization = new("Bearer", token);

        using var reply = await Reply.ReadAsync(await emulator.Http.SendAsync(request));

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.Code);
        Assert.Empty(emulator.State.Resources);
    }

    [Fact]
    public async Task Image_type_must_be_message_or_avatar()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var form = new MultipartFormDataContent { { new StringContent("banner"), "image_type" }, { new ByteArrayContent(TestImages.Png), "image", "x.png" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open-apis/im/v1/images") { Content = form };
        request.Headers.Authorization = new("Bearer", token);

        using var reply = await Reply.ReadAsync(await emulator.Http.SendAsync(request));

        Assert.Equal(234001, reply.Code);
    }

    [Fact]
    public async Task File_round_trip_carries_the_file_name()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        byte[] bytes = [.. "%PDF-1.7 quarterly"u8];
        using var upload = await emulator.UploadFileAsync(token, "pdf", "Q3 report.pdf", bytes);
        var key = upload.Data.GetProperty("file_key").GetString()!;

        using var download = await emulator.GetAsync($"/open-apis/im/v1/files/{key}", token);

        Assert.Equal(bytes, download.Body);
        var disposition = download.Response.Content.Headers.ContentDisposition!;
        Assert.Equal("Q3 report.pdf", disposition.FileNameStar ?? disposition.FileName?.Trim('"'));
    }

    [Theory]
    [InlineData("zip", "a.zip", 3, 234001)]
    [InlineData("pdf", "", 3, 234001)]
    [InlineData("pdf", "a.pdf", 0, 234010)]
    public async Task Bad_files_are_refused(string fileType, string fileName, int size, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.UploadFileAsync(token, fileType, fileName, new byte[size]);

        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public async Task Files_over_30_MB_are_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.UploadFileAsync(token, "stream", "big.bin", new byte[(30 * 1024 * 1024) + 1]);

        Assert.Equal(234006, reply.Code);
    }

    [Fact]
    public async Task Upload_without_multipart_is_an_envelope_error()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.PostJsonAsync("/open-apis/im/v1/images", new { image_type = "message" }, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(234001, reply.Code);
    }

    [Fact]
    public async Task Malformed_multipart_is_an_envelope_error_not_a_500()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open-apis/im/v1/images")
        {
            Content = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"image_type\"\r\n\r\nmessage\r\n--xyz\r\ntruncated"),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        request.Headers.Authorization = new("Bearer", token);

        using var reply = await Reply.ReadAsync(await emulator.Http.SendAsync(request));

        Assert.Equal(400, reply.Status);
        Assert.Equal(234001, reply.Code);
    }
}
