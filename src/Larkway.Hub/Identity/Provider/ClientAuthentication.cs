using System.Text;
using Larkway.Hub.Identity.Clients;

namespace Larkway.Hub.Identity.Provider;

/// <summary>What a request to the token or revocation endpoint presented to say which client it is.</summary>
/// <param name="BasicHeader">The <c>Authorization</c> header when it is <c>Basic …</c>.</param>
internal sealed record ClientCredentials(string? BasicHeader, string? FormClientId, string? FormClientSecret);

/// <summary>
/// Client authentication at the token and revocation endpoints (RFC 6749 §2.3): <c>client_secret_basic</c> (id and
/// secret form-encoded, then Basic — §2.3.1), <c>client_secret_post</c>, or <c>none</c> for a public client (which then
/// proves itself with PKCE). One method per request.
/// </summary>
internal sealed class ClientAuthentication(ClientStore clients)
{
    public async Task<(ClientRow? Client, OidcError? Error, bool UsedBasic)> AuthenticateAsync(ClientCredentials presented, CancellationToken cancellationToken)
    {
        string? id = presented.FormClientId;
        string? secret = presented.FormClientSecret;
        var basic = presented.BasicHeader is not null;
        if (basic)
        {
            if (!TryReadBasic(presented.BasicHeader!, out var basicId, out var basicSecret))
            {
                return (null, OidcError.Client("The Authorization header is not valid Basic credentials: send base64(urlencode(client_id) ':' urlencode(client_secret))."), true);
            }

            if (secret is not null)
            {
                return (null, OidcError.Request("The client authenticated twice (Basic and client_secret in the body); use one method."), true);
            }

            if (id is not null && id != basicId)
            {
                return (null, OidcError.Request("client_id in the body differs from the one in the Authorization header."), true);
            }

            (id, secret) = (basicId, basicSecret);
        }

        if (id is null)
        {
            return (null, OidcError.Client("No client authentication: send client_id and client_secret (Basic or in the body), or client_id alone for a public client."), basic);
        }

        var client = id.Length <= 64 ? await clients.FindAsync(id, cancellationToken).ConfigureAwait(false) : null;
        if (client is null || !client.Enabled)
        {
            return (null, OidcError.Client("Unknown or disabled client, or wrong secret."), basic);
        }

        if (client.Kind == ClientKind.Public)
        {
            return secret is null
                ? (client, null, basic)
                : (null, OidcError.Client("This client is public: it has no secret, so send client_id alone (and the PKCE code_verifier)."), basic);
        }

        if (secret is null || client.SecretHash is null || !OpaqueToken.Matches(secret, client.SecretHash))
        {
            return (null, OidcError.Client("Unknown or disabled client, or wrong secret."), basic);
        }

        return (client, null, basic);
    }

    /// <summary>Reads <c>Basic base64(urlencode(id):urlencode(secret))</c>.</summary>
    public static bool TryReadBasic(string header, out string id, out string secret)
    {
        id = secret = "";
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        try
        {
            id = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return false;
        }

        return id.Length > 0 && secret.Length > 0;
    }
}
