using System.Text;

namespace Larkway.Feishu.Authen;

/// <summary>What a sign-in asks Feishu's authorize page for.</summary>
public sealed record FeishuAuthorizeRequest
{
    /// <summary>The app id (<c>client_id</c>).</summary>
    public required string ClientId { get; init; }

    /// <summary>Where Feishu sends the browser back; must be in the app's redirect URL allow-list.</summary>
    public required Uri RedirectUri { get; init; }

    /// <summary>Scopes to ask for (at most 50, no repeats); <c>offline_access</c> to get a refresh token.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Echoed back with the code: bind it to the browser to stop cross-site request forgery.</summary>
    public string? State { get; init; }

    /// <summary>The PKCE challenge (always S256); null sends none.</summary>
    public string? CodeChallenge { get; init; }
}

/// <summary>
/// Feishu's authorize URL (<c>/open-apis/authen/v1/authorize</c>) on the accounts host: <c>accounts.feishu.cn</c> for
/// Feishu, <c>accounts.larksuite.com</c> for Lark, and the base URL itself for anything else (an emulator, a proxy).
/// </summary>
public static class FeishuAuthorizeUrl
{
    /// <summary>Most scopes one authorize request may carry.</summary>
    public const int MaxScopes = 50;

    /// <summary>The accounts host that serves the authorize page for the Open Platform at <paramref name="baseUrl"/>.</summary>
    public static Uri AccountsHostOf(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return baseUrl.Host switch
        {
            "open.feishu.cn" => new Uri("https://accounts.feishu.cn"),
            "open.larksuite.com" => new Uri("https://accounts.larksuite.com"),
            _ => new Uri(baseUrl.GetLeftPart(UriPartial.Authority)),
        };
    }

    /// <summary>The URL to send the browser to.</summary>
    public static Uri Build(Uri baseUrl, FeishuAuthorizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.ClientId);
        ArgumentNullException.ThrowIfNull(request.RedirectUri);
        if (!request.RedirectUri.IsAbsoluteUri)
        {
            throw new ArgumentException("The redirect URI must be absolute (https://app.example.com/signin-feishu).", nameof(request));
        }

        if (request.Scopes.Count > MaxScopes)
        {
            throw new ArgumentException($"Feishu takes at most {MaxScopes} scopes in one authorize request; {request.Scopes.Count} were given.", nameof(request));
        }

        var scopes = ScopeList.Check(request.Scopes, nameof(request));
        var query = new StringBuilder()
            .Append("client_id=").Append(Uri.EscapeDataString(request.ClientId))
            .Append("&response_type=code")
            .Append("&redirect_uri=").Append(Uri.EscapeDataString(request.RedirectUri.AbsoluteUri));
        if (ScopeList.Join(scopes) is { } scope)
        {
            query.Append("&scope=").Append(Uri.EscapeDataString(scope));
        }

        if (request.State is { Length: > 0 } state)
        {
            query.Append("&state=").Append(Uri.EscapeDataString(state));
        }

        if (request.CodeChallenge is { Length: > 0 } challenge)
        {
            query.Append("&code_challenge=").Append(Uri.EscapeDataString(challenge)).Append("&code_challenge_method=").Append(Pkce.Method);
        }

        return new UriBuilder(new Uri(AccountsHostOf(baseUrl), "/open-apis/authen/v1/authorize")) { Query = query.ToString() }.Uri;
    }
}
