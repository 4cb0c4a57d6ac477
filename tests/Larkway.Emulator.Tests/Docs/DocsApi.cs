using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Docs;

/// <summary>Raw-wire helpers for the docs tests: requests shaped as the docx, wiki and drive pages show them.</summary>
internal static class DocsApi
{
    public const string Documents = "/open-apis/docx/v1/documents";
    public const string Spaces = "/open-apis/wiki/v2/spaces";

    /// <summary>An emulator without frequency limits (the rate tests turn them on), on a manual clock.</summary>
    public static Task<TestEmulator> StartAsync(Action<Hosting.EmulatorOptions>? configure = null) =>
        TestEmulator.StartAsync(o =>
        {
            o.EnforceRateLimits = false;
            configure?.Invoke(o);
        });

    /// <summary>A user_access_token of the emulator's app for the user, through the authorize click and the v2 token exchange.</summary>
    public static async Task<string> UserTokenAsync(TestEmulator emulator, string email)
    {
        const string redirect = "http://127.0.0.1:5000/callback";
        using var authorize = await emulator.PostJsonAsync("/_emulator/authen/authorize", new { client_id = emulator.Options.AppId, redirect_uri = redirect, scope = "docx:document wiki:wiki:readonly", state = "s", user = email });
        Assert.True(authorize.Code == 0, authorize.Text);
        using var tokens = await emulator.PostJsonAsync("/open-apis/authen/v2/oauth/token", new
        {
            grant_type = "authorization_code",
            client_id = emulator.Options.AppId,
            client_secret = emulator.Options.AppSecret,
            code = authorize.Data.GetProperty("code").GetString(),
            redirect_uri = redirect,
        });
        Assert.True(tokens.Json.GetProperty("code").GetInt32() == 0, tokens.Text);
        return tokens.Json.GetProperty("access_token").GetString()!;
    }

    public static async Task<Reply> SendAsync(TestEmulator emulator, HttpMethod method, string path, object? body, string? token) =>
        await emulator.SendAsync(method, path, body is null ? null : body as string ?? JsonSerializer.Serialize(body), token);

    public static async Task<string> CreateDocumentAsync(TestEmulator emulator, string token, string title = "Plan", string? folder = null)
    {
        using var reply = await emulator.PostJsonAsync(Documents, new { title, folder_token = folder }, token);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("document").GetProperty("document_id").GetString()!;
    }

    public static object Text(string content, int type = 2) => type switch
    {
        2 => new { block_type = 2, text = new { elements = new[] { new { text_run = new { content } } } } },
        3 => new { block_type = 3, heading1 = new { elements = new[] { new { text_run = new { content } } } } },
        12 => new { block_type = 12, bullet = new { elements = new[] { new { text_run = new { content } } } } },
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static async Task<Reply> AddChildrenAsync(TestEmulator emulator, string token, string documentId, object[] children, string query = "", string? parent = null, int? index = null) =>
        await emulator.PostJsonAsync($"{Documents}/{documentId}/blocks/{parent ?? documentId}/children{query}", index is null ? new { children } : new { children, index }, token);

    /// <summary>A control-API document from markdown-ish text.</summary>
    public static async Task<string> SeedDocumentAsync(TestEmulator emulator, string title, string content, string? owner = null)
    {
        using var reply = await emulator.PostJsonAsync("/_emulator/docs/documents", new { title, content, owner }, null);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("document_id").GetString()!;
    }

    public static async Task ControlAsync(TestEmulator emulator, HttpMethod method, string path, object? body = null)
    {
        using var reply = await SendAsync(emulator, method, path, body, null);
        Assert.True(reply.Code == 0, reply.Text);
    }

    public static async Task<JsonElement> RawAsync(TestEmulator emulator, string token, string documentId)
    {
        using var reply = await emulator.GetAsync($"{Documents}/{documentId}/raw_content", token);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.Clone();
    }
}
