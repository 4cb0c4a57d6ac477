using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Larkway.Emulator.Tests.AiBackend;

/// <summary>The fake Dify's <c>POST /files/upload</c> and the <c>files[]</c> of a question.</summary>
public sealed class DifyFileTests(AiBackendFixture fixture) : IClassFixture<AiBackendFixture>, IAsyncLifetime
{
    private HttpClient Http => fixture.Http;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> UploadAsync(string? user, params (string Name, string Type, int Size)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, type, size) in files)
        {
            var bytes = new ByteArrayContent(new byte[size]);
            bytes.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(bytes, "file", name);
        }

        if (user is not null)
        {
            form.Add(new StringContent(user), "user");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/dify/v1/files/upload") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AiHttp.DifyKey);
        return await Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> AskAsync(string user, object[] files) =>
        AiHttp.PostAsync(Http, "/dify/v1/chat-messages", new { query = "what is in it?", user, response_mode = "blocking", inputs = new { }, files }, AiHttp.DifyKey);

    [Fact]
    public async Task An_uploaded_file_is_answered_201_and_read_in_the_question_of_the_same_user_only()
    {
        using var uploaded = await UploadAsync("alice", ("invoice.pdf", "application/pdf", 1234));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var file = await AiHttp.JsonAsync(uploaded);
        Assert.Equal("invoice.pdf", file.Str("name"));
        Assert.Equal(1234, file.GetProperty("size").GetInt32());
        Assert.Equal("pdf", file.Str("extension"));
        Assert.Equal("application/pdf", file.Str("mime_type"));
        var id = file.Str("id");

        using var asked = await AskAsync("alice", [new { type = "document", transfer_method = "local_file", upload_file_id = id }]);
        Assert.Contains("Files read: invoice.pdf (document, 1234 bytes).", (await AiHttp.JsonAsync(asked)).Str("answer"), StringComparison.Ordinal);

        using var stranger = await AskAsync("mallory", [new { type = "document", transfer_method = "local_file", upload_file_id = id }]);
        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
        Assert.Contains("not a file this user uploaded", (await AiHttp.JsonAsync(stranger)).Str("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", 400, "no_file_uploaded")]
    [InlineData("two", 400, "too_many_files")]
    [InlineData("large-image", 413, "file_too_large")]
    public async Task An_upload_Dify_refuses_gets_its_status_and_code(string upload, int status, string code)
    {
        using var response = upload switch
        {
            "none" => await UploadAsync("alice"),
            "two" => await UploadAsync("alice", ("a.txt", "text/plain", 10), ("b.txt", "text/plain", 10)),
            _ => await UploadAsync("alice", ("photo.png", "image/png", (10 * 1024 * 1024) + 1)),
        };

        Assert.Equal(status, (int)response.StatusCode);
        var error = await AiHttp.JsonAsync(response);
        Assert.Equal(code, error.Str("code"));
        Assert.Equal(status, error.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_file_entry_that_is_not_Difys_shape_is_400_naming_the_field()
    {
        using var badType = await AskAsync("alice", [new { type = "spreadsheet", transfer_method = "remote_url", url = "https://example.com/a.xlsx" }]);
        using var badUrl = await AskAsync("alice", [new { type = "image", transfer_method = "remote_url", url = "ftp://example.com/a.png" }]);
        using var byUrl = await AskAsync("alice", [new { type = "image", transfer_method = "remote_url", url = "https://example.com/a.png" }]);

        Assert.Contains("files[0].type", (await AiHttp.JsonAsync(badType)).Str("message"), StringComparison.Ordinal);
        Assert.Contains("files[0].url", (await AiHttp.JsonAsync(badUrl)).Str("message"), StringComparison.Ordinal);
        Assert.Contains("Files read: a.png (image, by URL).", (await AiHttp.JsonAsync(byUrl)).Str("answer"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_body_that_cannot_be_read_is_400_no_file_uploaded_and_stores_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dify/v1/files/upload")
        {
            Content = new StringContent("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nno closing boundary"),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AiHttp.DifyKey);
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("no_file_uploaded", (await AiHttp.JsonAsync(response)).Str("code"));
        using var asked = await AskAsync("alice", [new { type = "document", transfer_method = "local_file", upload_file_id = Guid.NewGuid().ToString() }]);
        Assert.Equal(HttpStatusCode.BadRequest, asked.StatusCode);
    }
}
