namespace Larkway.Emulator.Authen;

/// <summary>Where a code came from, which decides where it can be exchanged.</summary>
internal enum CodeKind
{
    /// <summary>The authorize page or the QR login: 5 minutes, the v2 token endpoint and the v1 endpoints.</summary>
    Web,

    /// <summary>tt.requestAccess / tt.requestAuthCode inside the client: 3 minutes, the v2 token endpoint.</summary>
    InClient,

    /// <summary>tt.login in a mini program: 3 minutes, mina tokenLoginValidate only.</summary>
    Mina,
}

/// <summary>A one-time code, bound to the app, the user, the granted scopes and (web codes) the redirect URI and PKCE challenge.</summary>
internal sealed record AuthorizationCode(string Value, CodeKind Kind, string AppId, string UserKey, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt)
{
    public string? RedirectUri { get; init; }

    public string? Challenge { get; init; }

    public string? ChallengeMethod { get; init; }

    public bool Used { get; init; }
}

/// <summary>Why a code cannot be exchanged, before any check of the request that presents it.</summary>
internal enum CodeProblem
{
    NotFound,
    Used,
    Expired,
}

/// <summary>
/// Codes of every kind, in memory only (they live minutes; a restart drops them, as a lapse would). Used and lapsed
/// codes are kept an hour more so that a second exchange hears "already used" or "expired", not "not found".
/// </summary>
internal sealed class AuthorizationCodes(TimeProvider time)
{
    public static readonly TimeSpan WebLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ClientLifetime = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Remembered = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);

    public AuthorizationCode Mint(CodeKind kind, string appId, string userKey, IReadOnlyList<string> scopes, Func<AuthorizationCode, AuthorizationCode>? bind = null)
    {
        var now = time.GetUtcNow();
        var lifetime = kind == CodeKind.Web ? WebLifetime : ClientLifetime;
        var code = new AuthorizationCode(AuthenIds.Code(), kind, appId, userKey, scopes, now + lifetime);
        code = bind?.Invoke(code) ?? code;
        lock (_gate)
        {
            foreach (var stale in _codes.Where(pair => pair.Value.ExpiresAt + Remembered < now).Select(pair => pair.Key).ToList())
            {
                _codes.Remove(stale);
            }

            _codes[code.Value] = code;
        }

        return code;
    }

    /// <summary>
    /// Takes a code once: <paramref name="fail"/> makes the error for a missing, used or lapsed code; <paramref name="check"/>
    /// may throw to refuse the request (the code then stays usable). Under one lock, so two exchanges never both win.
    /// </summary>
    public AuthorizationCode Redeem(string value, Func<CodeProblem, Exception> fail, Action<AuthorizationCode> check)
    {
        lock (_gate)
        {
            if (!_codes.TryGetValue(value, out var code))
            {
                throw fail(CodeProblem.NotFound);
            }

            if (code.Used)
            {
                throw fail(CodeProblem.Used);
            }

            if (code.ExpiresAt <= time.GetUtcNow())
            {
                throw fail(CodeProblem.Expired);
            }

            check(code);
            _codes[value] = code with { Used = true };
            return code;
        }
    }
}
