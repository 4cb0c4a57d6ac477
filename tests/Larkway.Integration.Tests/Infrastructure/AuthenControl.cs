using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>
/// The Emulator's sign-in controls (docs/emulator.md "Sign-in"), over plain HTTP: the authorize page's click, the codes
/// the Feishu client hands out, an app's OAuth settings, and the H5 container's check of h5sdk.config.
/// </summary>
internal sealed class AuthenControl(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl };

    /// <summary>
    /// A person allows (or denies) on the authorize page: <c>POST /_emulator/authen/authorize</c>. Returns where the
    /// browser goes, and the code in it (null on deny).
    /// </summary>
    public async Task<(Uri Location, string? Code)> AuthorizeAsync(
        string clientId, Uri redirectUri, string user, string? scope = null, string? state = null, string? codeChallenge = null, string? challengeMethod = null, bool allow = true)
    {
        var body = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["user"] = user,
            ["scope"] = scope,
            ["state"] = state,
            ["code_challenge"] = codeChallenge,
            ["code_challenge_method"] = challengeMethod,
            ["decision"] = allow ? "allow" : "deny",
        };
        using var data = await PostOkAsync("/_emulator/authen/authorize", body.Where(p => p.Value is not null).ToDictionary());
        return (new Uri(data.RootElement.GetProperty("location").GetString()!), data.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null);
    }

    /// <summary>Follows an authorize URL as the browser would and clicks: the query of <paramref name="authorizeUrl"/> is the request.</summary>
    public Task<(Uri Location, string? Code)> AuthorizeAsync(Uri authorizeUrl, string user, bool allow = true)
    {
        var query = QueryHelpers.ParseQuery(authorizeUrl.Query);
        string? Value(string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;
        return AuthorizeAsync(Value("client_id")!, new Uri(Value("redirect_uri")!), user, Value("scope"), Value("state"), Value("code_challenge"), Value("code_challenge_method"), allow);
    }

    /// <summary>A tt.login code for a mini program (<c>POST /_emulator/authen/mina-codes</c>).</summary>
    public async Task<string> MinaCodeAsync(string appId, string user)
    {
        using var data = await PostOkAsync("/_emulator/authen/mina-codes", new Dictionary<string, string?> { ["app_id"] = appId, ["user"] = user });
        return data.RootElement.GetProperty("code").GetString()!;
    }

    /// <summary>An app's sign-in settings (<c>PUT /_emulator/apps/{app_id}/oauth</c>).</summary>
    public async Task SetOAuthAsync(string appId, object settings)
    {
        using var response = await _http.PutAsJsonAsync($"/_emulator/apps/{appId}/oauth", settings);
        (await EmulatorControl.EnsureOkAsync(response)).Dispose();
    }

    /// <summary>The H5 container's check of h5sdk.config (<c>POST /h5/config</c>, text/plain, as its script sends it).</summary>
    public async Task<(int Code, string Msg)> CheckH5ConfigAsync(string? appId, long? timestamp, string? nonceStr, string? signature, string url)
    {
        var body = JsonSerializer.Serialize(new { appId, timestamp = timestamp?.ToString(System.Globalization.CultureInfo.InvariantCulture), nonceStr, signature, jsApiList = Array.Empty<string>(), url });
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        using var response = await _http.PostAsync(new Uri("/h5/config", UriKind.Relative), content);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("code").GetInt32(), json.RootElement.GetProperty("msg").GetString()!);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument> PostOkAsync(string path, Dictionary<string, string?> body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        using var envelope = await EmulatorControl.EnsureOkAsync(response);
        return JsonDocument.Parse(envelope.RootElement.GetProperty("data").GetRawText());
    }
}
