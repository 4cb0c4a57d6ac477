using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.State;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Uploads;

/// <summary>Images and files: upload, download the same bytes, typed rejections.</summary>
public sealed class UploadTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private int UploadRequests => fx.Recorder.Calls.Count(c => c.Method == "POST" && c.Path is "/open-apis/im/v1/images" or "/open-apis/im/v1/files");

    [Fact]
    public async Task An_image_round_trips_byte_for_byte()
    {
        var key = await fx.Client.Im.Images.UploadAsync(TestImages.Png, "pixel.png");

        await using var download = await fx.Client.Im.Images.DownloadAsync(key);

        Assert.StartsWith("img_", key, StringComparison.Ordinal);
        Assert.Equal(TestImages.Png, await download.ReadAllBytesAsync());
        var stored = fx.State.FindResource(key)!;
        Assert.Equal(ResourceKind.Image, stored.Kind);
        Assert.Equal("message", stored.Type);
        Assert.Equal(fx.AppId, stored.OwnerAppId);
    }

    [Fact]
    public async Task An_image_uploaded_from_a_stream_as_an_avatar_is_stored_as_one()
    {
        using var stream = new MemoryStream(TestImages.Png);

        var key = await fx.Client.Im.Images.UploadAsync(stream, "avatar.png", ImageType.Avatar);

        Assert.Equal("avatar", fx.State.FindResource(key)!.Type);
    }

    [Theory]
    [InlineData(FileType.Pdf, "report.pdf", "pdf")]
    [InlineData(FileType.Stream, "data.bin", "stream")]
    [InlineData(FileType.Opus, "voice.opus", "opus")]
    [InlineData(FileType.Mp4, "clip.mp4", "mp4")]
    public async Task A_file_round_trips_byte_for_byte_with_its_name(FileType type, string name, string wireType)
    {
        var bytes = new byte[70_000];
        Random.Shared.NextBytes(bytes);

        var key = await fx.Client.Im.Files.UploadAsync(bytes, name, type, TimeSpan.FromSeconds(2));
        await using var download = await fx.Client.Im.Files.DownloadAsync(key);

        Assert.Equal(bytes, await download.ReadAllBytesAsync());
        Assert.Equal(name, download.FileName);
        var stored = fx.State.FindResource(key)!;
        Assert.Equal(wireType, stored.Type);
        Assert.Equal(name, stored.FileName);
    }

    [Fact]
    public async Task An_empty_image_or_file_is_rejected_locally()
    {
        var before = UploadRequests;

        var image = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Images.UploadAsync(ReadOnlyMemory<byte>.Empty, "empty.png"));
        var file = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Files.UploadAsync(ReadOnlyMemory<byte>.Empty, "empty.pdf", FileType.Pdf));

        Assert.Equal(FeishuErrorCodes.InvalidRequest, image.Code);
        Assert.Equal(FeishuErrorCodes.InvalidRequest, file.Code);
        Assert.Equal(before, UploadRequests);
    }

    [Fact]
    public async Task An_oversize_image_or_file_is_rejected_locally()
    {
        var before = UploadRequests;

        var image = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Images.UploadAsync(new byte[ImagesClient.MaxImageBytes + 1], "huge.png"));
        var file = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Files.UploadAsync(new byte[FilesClient.MaxFileBytes + 1], "huge.pdf", FileType.Pdf));

        Assert.Equal(FeishuErrorCodes.InvalidRequest, image.Code);
        Assert.Equal(FeishuErrorCodes.InvalidRequest, file.Code);
        Assert.Equal(before, UploadRequests);
    }

    [Fact]
    public async Task Bytes_that_are_not_an_image_are_refused_by_the_platform_with_a_typed_error()
    {
        var resourcesBefore = fx.State.Resources.Count;

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Images.UploadAsync("this is plain text, not a picture"u8.ToArray(), "fake.png"));

        Assert.Equal(234011, error.Code);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Equal(resourcesBefore, fx.State.Resources.Count);
    }

    [Fact]
    public async Task Downloading_an_unknown_key_fails_with_a_typed_error_not_a_file()
    {
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Images.DownloadAsync("img_v3_doesnotexist"));

        Assert.Equal(234001, error.Code);
    }

    [Fact]
    public async Task A_file_with_a_non_ascii_name_keeps_its_name_both_ways()
    {
        const string Name = "季度报告 2026.pdf";

        var key = await fx.Client.Im.Files.UploadAsync(MessagingPdf, Name, FileType.Pdf);
        await using var download = await fx.Client.Im.Files.DownloadAsync(key);

        Assert.Equal(Name, fx.State.FindResource(key)!.FileName);
        Assert.Equal(Name, download.FileName);
        Assert.Equal(MessagingPdf, await download.ReadAllBytesAsync());
    }

    [Fact]
    public async Task A_non_ascii_file_name_goes_out_as_feishu_sends_it_its_utf8_bytes_in_filename()
    {
        const string Name = "报价单 v2.pdf";
        var key = await fx.Client.Im.Files.UploadAsync(MessagingPdf, Name, FileType.Pdf);
        using var http = new HttpClient { BaseAddress = fx.BaseUrl };
        using var token = await http.PostAsJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = fx.AppId, app_secret = fx.Options.AppSecret });
        var tenantToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenant_access_token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/open-apis/im/v1/files/{key}");
        request.Headers.Authorization = new("Bearer", tenantToken);

        using var response = await http.SendAsync(request);

        // HttpClient reads header bytes as ISO-8859-1 (as the Python SDK's requests does); re-decoding them as UTF-8 is
        // what the Python SDK does next. There is no filename*.
        var header = response.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.Equal($"attachment; filename=\"{Name}\"", Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(header)));
        await using var download = await fx.Client.Im.Files.DownloadAsync(key);
        Assert.Equal(Name, download.FileName);
    }

    private static readonly byte[] MessagingPdf = "%PDF-1.4\n%âãÏÓ\n"u8.ToArray();
}
