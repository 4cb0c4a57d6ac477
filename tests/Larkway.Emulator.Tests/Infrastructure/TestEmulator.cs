using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Tests.Infrastructure;

/// <summary>A real emulator on a free port plus a plain HttpClient speaking the raw wire.</summary>
public sealed class TestEmulator : IAsyncDisposable
{
    private TestEmulator(EmulatorServer server, ManualClock clock, EmulatorOptions options)
    {
        Server = server;
        Clock = clock;
        Options = options;
        Http = new HttpClient { BaseAddress = server.BaseUrl };
    }

    public EmulatorServer Server { get; }

    public ManualClock Clock { get; }

    public EmulatorOptions Options { get; }

    public HttpClient Http { get; }

    public EmulatorState State => Server.State;

    public EmulatorChat GeneralChat => State.Chats.Single(c => c.Name == "Larkway Dev");

    public EmulatorChat EngineeringChat => State.Chats.Single(c => c.Name == "Engineering");

    public EmulatorUser User(string email) => State.FindUser("email", email)!;

    public static async Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null, ManualClock? clock = null)
    {
        clock ??= new ManualClock();
        var options = new EmulatorOptions { Port = 0, TimeProvider = clock };
        configure?.Invoke(options);
        var server = await EmulatorServer.StartAsync(options);
        return new TestEmulator(server, clock, options);
    }

    public async Task<string> TenantTokenAsync()
    {
        using var reply = await PostJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = Options.AppId, app_secret = Options.AppSecret });
        return reply.Json.GetProperty("tenant_access_token").GetString()!;
    }

    /// <summary>Registers another app (of the default developer unless <paramref name="developer"/> names one) and returns its tenant token.</summary>
    public async Task<string> AddAppAsync(string appId, string? developer = null)
    {
        var secret = "secret-of-" + appId;
        State.AddApp(new EmulatorApp(appId, secret, "Bot of " + appId, "ou_bot" + appId.Replace("cli_", string.Empty, StringComparison.Ordinal)) { Developer = developer });
        using var reply = await PostJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = appId, app_secret = secret });
        return reply.Json.GetProperty("tenant_access_token").GetString()!;
    }

    public async Task<Reply> PostJsonAsync(string path, object body, string? token = null) =>
        await SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body), token);

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? jsonBody, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Reply.ReadAsync(await Http.SendAsync(request));
    }

    public async Task<Reply> GetAsync(string path, string? token) => await SendAsync(HttpMethod.Get, path, null, token);

    /// <summary>Sends a message; content is serialized to the JSON string the API expects.</summary>
    public async Task<Reply> SendMessageAsync(string token, string receiveIdType, string receiveId, string msgType, object content, string? uuid = null) =>
        await PostJsonAsync($"/open-apis/im/v1/messages?receive_id_type={receiveIdType}", new { receive_id = receiveId, msg_type = msgType, content = content as string ?? JsonSerializer.Serialize(content), uuid }, token);

    public async Task<string> UploadImageAsync(string token, byte[] bytes, string imageType = "message")
    {
        using var form = new MultipartFormDataContent { { new StringContent(imageType), "image_type" }, { new ByteArrayContent(bytes), "image", "picture.png" } };
        using var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/open-apis/im/v1/images") { Content = form, Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } });
        using var reply = await Reply.ReadAsync(response);
        Assert.Equal(0, reply.Code);
        return reply.Data.GetProperty("image_key").GetString()!;
    }

    public async Task<Reply> UploadFileAsync(string token, string fileType, string fileName, byte[] bytes, int? durationMs = null)
    {
        using var form = new MultipartFormDataContent { { new StringContent(fileType), "file_type" }, { new StringContent(fileName), "file_name" }, { new ByteArrayContent(bytes), "file", fileName.Length > 0 ? fileName : "upload.bin" } };
        if (durationMs is not null)
        {
            form.Add(new StringContent(durationMs.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), "duration");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/open-apis/im/v1/files") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Reply.ReadAsync(await Http.SendAsync(request));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>A response read whole: status, headers, and the JSON body when there is one.</summary>
public sealed class Reply : IDisposable
{
    private readonly JsonDocument? _document;

    private Reply(HttpResponseMessage response, byte[] body)
    {
        Response = response;
        Body = body;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == "application/json" && body.Length > 0)
        {
            _document = JsonDocument.Parse(body);
        }
    }

    public HttpResponseMessage Response { get; }

    public byte[] Body { get; }

    public int Status => (int)Response.StatusCode;

    public JsonElement Json => _document?.RootElement ?? throw new InvalidOperationException("not JSON: " + Encoding.UTF8.GetString(Body));

    public int Code => Json.GetProperty("code").GetInt32();

    public string Msg => Json.GetProperty("msg").GetString()!;

    public JsonElement Data => Json.GetProperty("data");

    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    public static async Task<Reply> ReadAsync(HttpResponseMessage response) => new(response, await response.Content.ReadAsByteArrayAsync());

    public void Dispose()
    {
        _document?.Dispose();
        Response.Dispose();
    }
}
