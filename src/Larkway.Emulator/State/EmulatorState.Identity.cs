using Larkway.Emulator.Platform;

namespace Larkway.Emulator.State;

// Ids as Feishu issues them (docs/emulator.md, "Ids"): a user's open_id differs per app, union_id per developer, user_id is
// tenant-wide. Internally every record names a user by its home-app open_id (EmulatorUser.OpenId, the id the first app
// registered sees); the Open API translates at the wire with the calling or receiving app's ids. Other apps' ids are
// derived from (app, home open_id) — deterministic, so they survive the state file without being stored.
public sealed partial class EmulatorState
{
    private readonly Dictionary<string, ForeignIds> _openIdsByApp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ForeignIds> _unionIdsByDeveloper = new(StringComparer.Ordinal);
    private string? _homeAppId;

    /// <summary>
    /// The app whose open_ids are the stored ones: the Emulator's own app (<c>EmulatorOptions.AppId</c>) for a seeded or
    /// restored tenant, else the first app added.
    /// </summary>
    public string? HomeAppId
    {
        get
        {
            lock (_gate)
            {
                return _homeAppId;
            }
        }
    }

    /// <summary>Names the home app before any app is added (the seed loader: the options' app, whatever order the seed lists apps in).</summary>
    internal void SetHomeApp(string appId)
    {
        lock (_gate)
        {
            _homeAppId = _apps.Count == 0 ? appId : throw new InvalidOperationException("The home app is chosen before the first app is added.");
        }
    }

    /// <summary>The ids <paramref name="appId"/> sees, for reading a request and writing a reply.</summary>
    public AppUserIds IdsFor(string appId) => new(this, appId);

    /// <summary>The user's open_id as <paramref name="appId"/> sees it (for any app id, registered or not).</summary>
    public string OpenIdFor(string appId, EmulatorUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            return OpenIdForLocked(appId, user.OpenId);
        }
    }

    /// <summary>The user's union_id as <paramref name="appId"/> sees it: the same for every app of one developer.</summary>
    public string UnionIdFor(string appId, EmulatorUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            return UnionIdForLocked(DeveloperOf(appId), user.UnionId);
        }
    }

    /// <summary>
    /// Resolves a user by an id as <paramref name="appId"/> writes it: open_id and union_id in that app's ids (another app's
    /// open_id is unknown here), user_id tenant-wide, email or mobile.
    /// </summary>
    public EmulatorUser? FindUser(string appId, string idType, string id)
    {
        lock (_gate)
        {
            return idType switch
            {
                "open_id" => ForeignOf(_openIdsByApp, appId, IsHome(appId)) is { } map ? UserByHomeId(map.ToHome(id)) : _users.GetValueOrDefault(id),
                "union_id" => DeveloperOf(appId) is { } developer
                    ? UserByHomeId(Foreign(_unionIdsByDeveloper, developer, u => u.UnionId, UnionOf(developer)).ToHome(id))
                    : FindUserLocked("union_id", id),
                _ => FindUserLocked(idType, id),
            };
        }
    }

    /// <summary>A user's id of <paramref name="idType"/> as <paramref name="appId"/> sees it; ids that are not users (bots) come back unchanged.</summary>
    public string UserIdOf(string appId, string openId, string idType)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(openId, out var user))
            {
                return openId;
            }

            return idType switch
            {
                "union_id" => UnionIdForLocked(DeveloperOf(appId), user.UnionId),
                "user_id" => user.UserId,
                _ => OpenIdForLocked(appId, user.OpenId),
            };
        }
    }

    /// <summary>
    /// A user by the open_id any app sees (the control API and the web pages are no app: a test may hand them an id it got from
    /// any app's events or replies).
    /// </summary>
    public EmulatorUser? FindUserByAnyOpenId(string openId)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(openId, out var home))
            {
                return home;
            }

            foreach (var app in _apps.Keys)
            {
                if (!IsHome(app) && UserByHomeId(Foreign(_openIdsByApp, app, u => u.OpenId, OpenIdOf(app)).ToHome(openId)) is { } user)
                {
                    return user;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// A user named the way a test or a person names one outside any app: by any app's open_id, the home union_id, user_id or
    /// email (the control API and the web pages).
    /// </summary>
    public EmulatorUser? FindUserByReference(string reference) =>
        FindUserByAnyOpenId(reference) ?? FindUser("user_id", reference) ?? FindUser("email", reference) ?? FindUser("union_id", reference);

    /// <summary>True when <paramref name="openId"/> is a user's open_id in some app other than <paramref name="appId"/> (Feishu: "open_id cross app").</summary>
    public bool IsOtherAppsOpenId(string appId, string openId) =>
        FindUser(appId, "open_id", openId) is null && FindUserByAnyOpenId(openId) is not null;

    private bool IsHome(string appId) => _homeAppId is null || _homeAppId == appId;

    private string? DeveloperOf(string appId) => _apps.GetValueOrDefault(appId)?.Developer is { Length: > 0 } developer ? developer : null;

    private string OpenIdForLocked(string appId, string homeOpenId) =>
        IsHome(appId) ? homeOpenId : Foreign(_openIdsByApp, appId, u => u.OpenId, OpenIdOf(appId)).FromHome(homeOpenId);

    private string UnionIdForLocked(string? developer, string homeUnionId) =>
        developer is null ? homeUnionId : Foreign(_unionIdsByDeveloper, developer, u => u.UnionId, UnionOf(developer)).FromHome(homeUnionId);

    private static Func<string, string> OpenIdOf(string appId) => home => Ids.Stable("ou_", "open_id:" + appId + ":" + home);

    private static Func<string, string> UnionOf(string developer) => home => Ids.Stable("on_", "union_id:" + developer + ":" + home);

    private ForeignIds? ForeignOf(Dictionary<string, ForeignIds> maps, string appId, bool home) =>
        home ? null : Foreign(maps, appId, u => u.OpenId, OpenIdOf(appId));

    /// <summary>The translation table of one app (or developer), built on first use over every user and kept up to date by AddUser.</summary>
    private ForeignIds Foreign(Dictionary<string, ForeignIds> maps, string owner, Func<EmulatorUser, string> homeId, Func<string, string> derive)
    {
        if (!maps.TryGetValue(owner, out var map))
        {
            map = new ForeignIds(homeId, derive);
            foreach (var user in _users.Values)
            {
                map.Add(user);
            }

            maps[owner] = map;
        }

        return map;
    }

    /// <summary>Registers a new user in every translation table built so far (under the lock).</summary>
    private void AddToForeignIds(EmulatorUser user)
    {
        foreach (var map in _openIdsByApp.Values)
        {
            map.Add(user);
        }

        foreach (var map in _unionIdsByDeveloper.Values)
        {
            map.Add(user);
        }
    }

    private EmulatorUser? UserByHomeId(string? homeOpenId) => homeOpenId is null ? null : _users.GetValueOrDefault(homeOpenId);

    /// <summary>Both directions between the home ids and one app's (or developer's) derived ids.</summary>
    private sealed class ForeignIds(Func<EmulatorUser, string> homeId, Func<string, string> derive)
    {
        private readonly Dictionary<string, string> _toHome = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _fromHome = new(StringComparer.Ordinal);

        public void Add(EmulatorUser user)
        {
            var home = homeId(user);
            if (!_fromHome.ContainsKey(home))
            {
                var derived = derive(home);
                _fromHome[home] = derived;
                _toHome[derived] = user.OpenId;
            }
        }

        /// <summary>The home open_id of the user this derived id names, or null.</summary>
        public string? ToHome(string id) => _toHome.GetValueOrDefault(id);

        public string FromHome(string home) => _fromHome.TryGetValue(home, out var id) ? id : derive(home);
    }
}
