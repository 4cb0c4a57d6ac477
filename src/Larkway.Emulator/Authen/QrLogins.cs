namespace Larkway.Emulator.Authen;

/// <summary>Where a QR login stands: shown, scanned by someone, confirmed or cancelled on their phone.</summary>
internal enum QrStatus
{
    Waiting,
    Scanned,
    Confirmed,
    Cancelled,
}

/// <summary>One QR code shown by the passport page for an app and redirect URI.</summary>
internal sealed record QrLogin(string Id, string AppId, string RedirectUri, DateTimeOffset ExpiresAt)
{
    public QrStatus Status { get; init; }

    /// <summary>Who scanned (directory open_id), once someone has.</summary>
    public string? UserKey { get; init; }

    /// <summary>Handed to the page once confirmed: the QR SDK appends it to its goto URL.</summary>
    public string? TmpCode { get; init; }
}

/// <summary>
/// The QR login SDK's flow (deprecated passport login, still what the QR SDK's goto uses): a QR code lives 3 minutes
/// (Emulator choice; the doc is silent); once confirmed, its tmp_code lives 5 minutes and is taken once. In memory only.
/// </summary>
internal sealed class QrLogins(TimeProvider time)
{
    public static readonly TimeSpan QrLifetime = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan TmpCodeLifetime = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, QrLogin> _logins = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (QrLogin Login, DateTimeOffset ExpiresAt)> _tmpCodes = new(StringComparer.Ordinal);

    public QrLogin Start(string appId, string redirectUri)
    {
        var now = time.GetUtcNow();
        var login = new QrLogin("qr_" + AuthenIds.Opaque(), appId, redirectUri, now + QrLifetime);
        lock (_gate)
        {
            foreach (var stale in _logins.Values.Where(l => l.ExpiresAt + TmpCodeLifetime < now).Select(l => l.Id).ToList())
            {
                _logins.Remove(stale);
            }

            foreach (var stale in _tmpCodes.Where(p => p.Value.ExpiresAt < now).Select(p => p.Key).ToList())
            {
                _tmpCodes.Remove(stale);
            }

            _logins[login.Id] = login;
        }

        return login;
    }

    /// <summary>The login while its QR code can still be scanned or its result collected; null once unknown or lapsed.</summary>
    public QrLogin? Find(string id)
    {
        lock (_gate)
        {
            return _logins.TryGetValue(id, out var login) && (login.Status == QrStatus.Confirmed || login.ExpiresAt > time.GetUtcNow()) ? login : null;
        }
    }

    /// <summary>A phone scanned the code as <paramref name="userKey"/>; false when it can no longer be scanned.</summary>
    public bool Scan(string id, string userKey) => Move(id, QrStatus.Waiting, l => l with { Status = QrStatus.Scanned, UserKey = userKey }, allowRescan: true);

    /// <summary>The person who scanned confirms (a tmp_code is made) or cancels.</summary>
    public bool Decide(string id, string userKey, bool confirm) => Move(id, QrStatus.Scanned, l => l.UserKey != userKey ? l : confirm
        ? l with { Status = QrStatus.Confirmed, TmpCode = AuthenIds.Code() }
        : l with { Status = QrStatus.Cancelled }, allowRescan: false, userKey);

    /// <summary>Takes a tmp_code once, for the app and redirect URI it was made for; the login it confirmed, or null.</summary>
    public QrLogin? TakeTmpCode(string tmpCode, string appId, string redirectUri)
    {
        lock (_gate)
        {
            if (!_tmpCodes.Remove(tmpCode, out var entry) || entry.ExpiresAt <= time.GetUtcNow() || entry.Login.AppId != appId || entry.Login.RedirectUri != redirectUri)
            {
                return null;
            }

            return entry.Login;
        }
    }

    private bool Move(string id, QrStatus from, Func<QrLogin, QrLogin> change, bool allowRescan, string? userKey = null)
    {
        lock (_gate)
        {
            if (!_logins.TryGetValue(id, out var login) || login.ExpiresAt <= time.GetUtcNow()
                || !(login.Status == from || (allowRescan && login.Status == QrStatus.Scanned)) || (userKey is not null && login.UserKey != userKey))
            {
                return false;
            }

            var moved = change(login);
            _logins[id] = moved;
            if (moved.TmpCode is { } tmp && login.TmpCode is null)
            {
                _tmpCodes[tmp] = (moved, time.GetUtcNow() + TmpCodeLifetime);
            }

            return true;
        }
    }
}
