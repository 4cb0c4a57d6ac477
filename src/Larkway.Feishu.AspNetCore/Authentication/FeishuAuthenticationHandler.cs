using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu.Authen;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu.AspNetCore.Authentication;

/// <summary>
/// Signs users in with Feishu / Lark: the base OAuth handler's correlation cookie, protected <c>state</c>, PKCE (S256),
/// events and token saving, with the authorize URL on Feishu's accounts host, the code exchanged by the app's Larkway
/// client (<c>authen/v2/oauth/token</c>) and the user read from <c>authen/v1/user_info</c>. A refusal from Feishu fails
/// the sign-in through <see cref="RemoteAuthenticationEvents.OnRemoteFailure"/> with an
/// <see cref="AuthenticationFailureException"/> whose inner <see cref="FeishuApiException"/> has Feishu's code and
/// message (also in its <c>Data</c>: <c>feishu_code</c>, <c>error</c>, <c>error_description</c>).
/// </summary>
public partial class FeishuAuthenticationHandler : OAuthHandler<FeishuAuthenticationOptions>
{
    private FeishuClient? _client;
    private FeishuUserToken? _userToken;
    private AuthenticationProperties? _failedProperties;

    /// <summary>A handler (one per request; made by the authentication services).</summary>
    public FeishuAuthenticationHandler(IOptionsMonitor<FeishuAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
    }

    /// <summary>Finds the app's client, then challenges as the base handler does (correlation cookie, state, redirect event).</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await GetClientAsync().ConfigureAwait(false);
        await base.HandleChallengeAsync(properties).ConfigureAwait(false);
    }

    /// <summary>
    /// Feishu's authorize URL (<see cref="FeishuAuthorizeUrl"/>) with the app's id, the callback, the scopes, the protected
    /// state and an S256 challenge — or, for <see cref="FeishuChallengeProperties.QrLogin"/>, the QR login page.
    /// </summary>
    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var client = _client ?? throw new InvalidOperationException("The Feishu app's client is found in HandleChallengeAsync, before the URL is built.");
        var callback = new Uri(redirectUri, UriKind.Absolute);
        if (properties.GetParameter<bool?>(FeishuChallengeProperties.QrLoginKey) == true)
        {
            // The QR page takes no challenge: no verifier is kept, so none is sent with its code.
            return FeishuQrLoginUrl.Build(client.BaseUrl, client.AppId, callback, Options.StateDataFormat.Protect(properties)).AbsoluteUri;
        }

        string? challenge = null;
        if (Options.UsePkce)
        {
            var pkce = Pkce.Create();
            properties.Items[OAuthConstants.CodeVerifierKey] = pkce.Verifier;
            challenge = pkce.Challenge;
        }

        var scopes = Options.ScopesToRequest(properties.GetParameter<ICollection<string>>(OAuthChallengeProperties.ScopeKey) ?? Options.Scope);
        FeishuAuthenticationOptions.CheckScopes(scopes);
        var url = FeishuAuthorizeUrl.Build(client.BaseUrl, new FeishuAuthorizeRequest
        {
            ClientId = client.AppId,
            RedirectUri = callback,
            Scopes = scopes,
            State = Options.StateDataFormat.Protect(properties),
            CodeChallenge = challenge,
        }).AbsoluteUri;
        return Options.AdditionalAuthorizationParameters.Count == 0 ? url : QueryHelpers.AddQueryString(url, Options.AdditionalAuthorizationParameters!);
    }

    /// <summary>Handles the callback as the base handler does; a refusal while reading the user fails it with Feishu's code.</summary>
    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        try
        {
            return await base.HandleRemoteAuthenticateAsync().ConfigureAwait(false);
        }
        catch (AuthenticationFailureException failure) when (_failedProperties is not null)
        {
            return HandleRequestResult.Fail(failure, _failedProperties);
        }
    }

    /// <summary>
    /// Exchanges the code with <see cref="AuthenClient.ExchangeCodeAsync"/> (JSON body, the app's id and secret, the
    /// redirect URI and the PKCE verifier kept in the state). A refusal becomes the response's error.
    /// </summary>
    protected override async Task<OAuthTokenResponse> ExchangeCodeAsync(OAuthCodeExchangeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = await GetClientAsync().ConfigureAwait(false);

        // Taken out, as the base handler does, so the verifier does not end up in the sign-in cookie.
        context.Properties.Items.Remove(OAuthConstants.CodeVerifierKey, out var verifier);
        try
        {
            _userToken = await client.Authen.ExchangeCodeAsync(context.Code, new Uri(context.RedirectUri, UriKind.Absolute), verifier, cancellationToken: Context.RequestAborted).ConfigureAwait(false);
        }
        catch (FeishuApiException ex)
        {
            return OAuthTokenResponse.Failed(Refused(client, "exchange the authorization code", ex));
        }

        return OAuthTokenResponse.Success(TokenDocument(_userToken));
    }

    /// <summary>
    /// Reads the user (<see cref="AuthenClient.GetUserInfoAsync"/>), makes the claims (<see cref="OAuthOptions.ClaimActions"/>
    /// over user_info's fields), raises <see cref="OAuthEvents.OnCreatingTicket"/> with a
    /// <see cref="FeishuCreatingTicketContext"/>, then keeps the token set when <see cref="FeishuAuthenticationOptions.StoreUserTokens"/> is on.
    /// </summary>
    protected override async Task<AuthenticationTicket> CreateTicketAsync(ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(tokens);
        var client = await GetClientAsync().ConfigureAwait(false);
        var userToken = _userToken ?? FromResponse(tokens);
        UserInfo user;
        try
        {
            user = await client.Authen.GetUserInfoAsync(userToken.AccessToken, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (FeishuApiException ex)
        {
            _failedProperties = properties;
            throw Refused(client, "give the user's profile", ex);
        }

        if (string.IsNullOrEmpty(user.OpenId))
        {
            _failedProperties = properties;
            throw new AuthenticationFailureException("Feishu's user_info answer has no open_id; the user cannot be identified.");
        }

        if (Options.SaveTokens)
        {
            // Exactly when the token lapses, rather than the base handler's now + expires_in.
            properties.UpdateTokenValue("expires_at", userToken.ExpiresAt.ToString("o", CultureInfo.InvariantCulture));
        }

        using var userJson = JsonSerializer.SerializeToDocument(user, FeishuAuthenticationJson.Default.UserInfo);
        var context = new FeishuCreatingTicketContext(new ClaimsPrincipal(identity), properties, Context, Scheme, Options, Backchannel, tokens, userJson.RootElement, client, userToken, user);
        context.RunClaimActions();
        await Events.CreatingTicket(context).ConfigureAwait(false);

        if (Options.StoreUserTokens)
        {
            var store = Context.RequestServices.GetRequiredService<IFeishuUserTokenStore>();
            await store.SaveAsync(client.AppId, user.OpenId, userToken, Context.RequestAborted).ConfigureAwait(false);
            LogTokensStored(Logger, Scheme.Name, client.AppId);
        }

        return new AuthenticationTicket(context.Principal!, context.Properties, Scheme.Name);
    }

    /// <summary>The app's client: its own (ClientId) or the one registered under <see cref="FeishuAuthenticationOptions.AppName"/>.</summary>
    private async ValueTask<FeishuClient> GetClientAsync()
    {
        if (_client is not null)
        {
            return _client;
        }

        var services = Context.RequestServices;
        if (Options.HasOwnApp)
        {
            var clients = services.GetService<FeishuSignInClients>()
                ?? throw new InvalidOperationException("Register Feishu sign-in with services.AddAuthentication().AddFeishu(…).");
            _client = clients.Get(Scheme.Name, Options, TimeProvider);
        }
        else
        {
            var factory = services.GetService<IFeishuClientFactory>()
                ?? throw new InvalidOperationException($"Feishu sign-in '{Scheme.Name}' has no ClientId, so it uses an app registered with services.AddFeishu(); call it, or set ClientId and ClientSecret.");
            _client = await factory.GetClientAsync(Options.AppName ?? string.Empty, Context.RequestAborted).ConfigureAwait(false);
        }

        return _client;
    }

    /// <summary>The failure the sign-in ends with: Feishu's code and message, never a token or the code.</summary>
    private AuthenticationFailureException Refused(FeishuClient client, string step, FeishuApiException ex)
    {
        LogRefused(Logger, Scheme.Name, client.AppId, step, ex.Code, ex.OAuthError, ex.RequestId);
        var error = ex.OAuthError is null ? string.Empty : $" ({ex.OAuthError})";
        var failure = new AuthenticationFailureException($"Feishu did not {step}: code {ex.Code}{error}: {ex.ErrorMessage}", ex);
        failure.Data["feishu_code"] = ex.Code;
        failure.Data["error"] = ex.OAuthError;
        failure.Data["error_description"] = ex.ErrorMessage;
        return failure;
    }

    /// <summary>The token set as an RFC 6749 token response, for the base handler (token saving, the events).</summary>
    private JsonDocument TokenDocument(FeishuUserToken token)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("access_token", token.AccessToken);
            writer.WriteString("token_type", token.TokenType);
            writer.WriteString("expires_in", SecondsUntil(token.ExpiresAt).ToString(CultureInfo.InvariantCulture));
            if (token.RefreshToken is { } refresh)
            {
                writer.WriteString("refresh_token", refresh);
            }

            writer.WriteString("scope", token.Scope);
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    private long SecondsUntil(DateTimeOffset moment) => Math.Max(0, (long)Math.Ceiling((moment - TimeProvider.GetUtcNow()).TotalSeconds));

    /// <summary>A token set from a response a subclass made in its own <see cref="ExchangeCodeAsync"/>.</summary>
    private FeishuUserToken FromResponse(OAuthTokenResponse tokens)
    {
        var lifetime = long.TryParse(tokens.ExpiresIn, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
        var scope = tokens.Response?.RootElement.TryGetProperty("scope", out var value) == true && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return new FeishuUserToken(tokens.AccessToken ?? string.Empty, TimeProvider.GetUtcNow().AddSeconds(lifetime), tokens.RefreshToken, null, scope ?? string.Empty);
    }

    [LoggerMessage(EventId = LogEvents.FeishuAuthenticationHandlerRefused, Level = LogLevel.Warning,
        Message = "Feishu sign-in '{Scheme}' (app {AppId}): Feishu did not {Step}, code {Code} {OAuthError} (log id {LogId})")]
    private static partial void LogRefused(ILogger logger, string scheme, string appId, string step, int code, string? oauthError, string? logId);

    [LoggerMessage(EventId = LogEvents.FeishuAuthenticationHandlerTokensStored, Level = LogLevel.Debug,
        Message = "Feishu sign-in '{Scheme}' (app {AppId}): kept the user's token set in the user token store")]
    private static partial void LogTokensStored(ILogger logger, string scheme, string appId);
}

/// <summary>user_info as the claim actions read it: Feishu's snake_case field names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserInfo))]
internal sealed partial class FeishuAuthenticationJson : JsonSerializerContext;
