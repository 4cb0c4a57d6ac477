using System.Globalization;
using System.Net;

namespace Larkway.Hub.Identity.Clients;

/// <summary>
/// What an administrator says about a client, from the API or the console. On an update, a null member keeps what is
/// stored.
/// </summary>
internal sealed record ClientRequest
{
    public string? Name { get; init; }

    public ClientKind? Kind { get; init; }

    public IReadOnlyList<string?>? RedirectUris { get; init; }

    public IReadOnlyList<string?>? PostLogoutRedirectUris { get; init; }

    public IReadOnlyList<string?>? Scopes { get; init; }

    public IReadOnlyList<string?>? AllowedPeople { get; init; }

    public IReadOnlyList<string?>? AllowedDepartments { get; init; }

    public bool? RequirePkce { get; init; }

    public bool? Enabled { get; init; }
}

/// <summary>The outcome of a change: the client (and a new secret, shown once), or what is wrong, or not found.</summary>
internal sealed record ClientResult(ClientRow? Client, string? Secret, IReadOnlyList<string> Problems, bool NotFound = false)
{
    public static ClientResult Invalid(IReadOnlyList<string> problems) => new(null, null, problems);

    public static readonly ClientResult Missing = new(null, null, [], NotFound: true);
}

/// <summary>
/// Registers and changes the broker's clients; the admin API and the console share it. Redirect URIs are compared
/// exactly at sign-in, so they are checked strictly here: absolute, https (http only on a loopback host, for
/// development), no fragment, no credentials, no wildcard.
/// </summary>
internal sealed class ClientService(ClientStore store, Sessions.SessionStore sessions, TimeProvider time)
{
    public const int MaxNameLength = 128;
    public const int MaxUris = 20;
    public const int MaxUriLength = 2048;
    public const int MaxAllowed = 500;

    public Task<IReadOnlyList<ClientRow>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public Task<IReadOnlyList<ClientRow>> ListPageAsync(string? after, int take, CancellationToken cancellationToken) => store.ListPageAsync(after, take, cancellationToken);

    public Task<ClientRow?> GetAsync(string id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);

    /// <summary>Registers a client; a confidential one gets a secret, returned here only.</summary>
    public async Task<ClientResult> CreateAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var row = new ClientRow { Id = OpaqueToken.NewId("lkc_"), CreatedAt = time.GetUtcNow() };
        row.UpdatedAt = row.CreatedAt;
        Apply(row, request with
        {
            Kind = request.Kind ?? ClientKind.Confidential,
            Scopes = request.Scopes ?? [.. IdentityScopes.Default],
            PostLogoutRedirectUris = request.PostLogoutRedirectUris ?? [],
            AllowedPeople = request.AllowedPeople ?? [],
            AllowedDepartments = request.AllowedDepartments ?? [],
        }, problems, creating: true);
        if (problems.Count > 0)
        {
            return ClientResult.Invalid(problems);
        }

        string? secret = null;
        if (row.Kind == ClientKind.Confidential)
        {
            secret = OpaqueToken.New(OpaqueToken.SecretPrefix);
            row.SecretHash = OpaqueToken.Hash(secret);
        }

        await store.AddAsync(row, cancellationToken).ConfigureAwait(false);
        return new ClientResult(row, secret, []);
    }

    /// <summary>Changes what <paramref name="request"/> names; disabling a client revokes everything issued to it.</summary>
    public async Task<ClientResult> UpdateAsync(string id, ClientRequest request, CancellationToken cancellationToken)
    {
        var existing = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return ClientResult.Missing;
        }

        var problems = new List<string>();
        Apply(existing, request, problems, creating: false);
        if (problems.Count > 0)
        {
            return ClientResult.Invalid(problems);
        }

        string? secret = null;
        if (existing.Kind == ClientKind.Confidential && existing.SecretHash is null)
        {
            // Turned from public into confidential: it needs a secret now.
            secret = OpaqueToken.New(OpaqueToken.SecretPrefix);
            existing.SecretHash = OpaqueToken.Hash(secret);
        }
        else if (existing.Kind == ClientKind.Public)
        {
            existing.SecretHash = null;
        }

        var now = time.GetUtcNow();
        var updated = await store.UpdateAsync(id, row =>
        {
            row.Name = existing.Name;
            row.Kind = existing.Kind;
            row.SecretHash = existing.SecretHash;
            row.RedirectUris = existing.RedirectUris;
            row.PostLogoutRedirectUris = existing.PostLogoutRedirectUris;
            row.AllowedScopes = existing.AllowedScopes;
            row.AllowedPeople = existing.AllowedPeople;
            row.AllowedDepartments = existing.AllowedDepartments;
            row.RequirePkce = existing.RequirePkce;
            row.Enabled = existing.Enabled;
            row.UpdatedAt = now;
        }, cancellationToken).ConfigureAwait(false);
        if (updated is null)
        {
            return ClientResult.Missing;
        }

        if (!updated.Enabled)
        {
            await sessions.RevokeClientAsync(id, "client_disabled", cancellationToken).ConfigureAwait(false);
        }

        return new ClientResult(updated, secret, []);
    }

    /// <summary>A new secret for a confidential client (the old one stops working at once); shown once.</summary>
    public async Task<ClientResult> RotateSecretAsync(string id, CancellationToken cancellationToken)
    {
        var existing = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return ClientResult.Missing;
        }

        if (existing.Kind == ClientKind.Public)
        {
            return ClientResult.Invalid(["A public client has no secret: it authenticates with PKCE alone. Make it confidential first."]);
        }

        var secret = OpaqueToken.New(OpaqueToken.SecretPrefix);
        var hash = OpaqueToken.Hash(secret);
        var now = time.GetUtcNow();
        var row = await store.UpdateAsync(id, r => { r.SecretHash = hash; r.UpdatedAt = now; }, cancellationToken).ConfigureAwait(false);
        return row is null ? ClientResult.Missing : new ClientResult(row, secret, []);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);

    /// <summary>Lines of a stored list.</summary>
    public static string[] Lines(string stored) => stored.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether <paramref name="uri"/> may be registered as a redirect URI.</summary>
    public static bool IsValidRedirectUri(string? uri, out string problem)
    {
        problem = "";

        // Checked on the text as given: .NET's parser drops tabs and line breaks, so "https://a/cb\nhttp://b" would
        // parse as one https URL and then be stored (one per line) as two — the second never checked.
        if (uri is not null && uri.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\'))
        {
            problem = $"'{Shorten(uri)}' contains a line break, a space, a control character or a backslash: send one URL per list element.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(uri) || uri.Length > MaxUriLength || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            problem = $"'{Shorten(uri)}' is not an absolute URL (at most {MaxUriLength} characters).";
            return false;
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && !(parsed.Scheme == Uri.UriSchemeHttp && IsLoopback(parsed)))
        {
            problem = $"'{Shorten(uri)}' must use https (http only on 127.0.0.1, [::1] or localhost, for development).";
            return false;
        }

        if (uri.Contains('#', StringComparison.Ordinal) || !string.IsNullOrEmpty(parsed.UserInfo) || uri.Contains('*', StringComparison.Ordinal))
        {
            problem = $"'{Shorten(uri)}' must have no fragment, no user name or password and no wildcard: it is compared exactly.";
            return false;
        }

        return true;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static void Apply(ClientRow row, ClientRequest request, List<string> problems, bool creating)
    {
        if (request.Name is not null || creating)
        {
            var name = request.Name?.Trim() ?? "";
            if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
            {
                problems.Add($"name: required, 1–{MaxNameLength} characters without control characters (people see it on the sign-in page).");
            }

            row.Name = name;
        }

        if (request.Kind is { } kind)
        {
            if (!Enum.IsDefined(kind))
            {
                problems.Add("kind: confidential (a server-side app that keeps a secret) or public (no secret; PKCE).");
            }

            row.Kind = kind;
        }

        if (request.RedirectUris is not null || creating)
        {
            row.RedirectUris = Uris("redirect_uris", request.RedirectUris, 1, $"1–{MaxUris} URLs where the app receives the sign-in's answer, e.g. https://wiki.example.com/signin-oidc.", problems);
        }

        if (request.PostLogoutRedirectUris is not null)
        {
            row.PostLogoutRedirectUris = Uris("post_logout_redirect_uris", request.PostLogoutRedirectUris, 0, $"at most {MaxUris} URLs.", problems);
        }

        if (request.Scopes is not null)
        {
            var scopes = Distinct(request.Scopes);
            var unknown = scopes.Where(s => !IdentityScopes.IsKnown(s)).ToList();
            if (unknown.Count > 0)
            {
                problems.Add($"scopes: unknown {string.Join(", ", unknown.Select(u => $"'{Shorten(u)}'"))}; the broker knows {string.Join(", ", IdentityScopes.All)}.");
            }

            row.AllowedScopes = string.Join(' ', IdentityScopes.All.Where(s => s == IdentityScopes.OpenId || scopes.Contains(s, StringComparer.Ordinal)));
        }

        if (request.AllowedPeople is not null)
        {
            var people = Distinct(request.AllowedPeople);
            if (people.Count > MaxAllowed || people.Any(p => !IdentityIds.IsPerson(p)))
            {
                problems.Add($"allowed_people: at most {MaxAllowed} people, each a Hub person id (per_…), a union_id (on_…) or an open_id under the sign-in app (ou_…).");
            }

            row.AllowedPeople = string.Join('\n', people);
        }

        if (request.AllowedDepartments is not null)
        {
            var departments = Distinct(request.AllowedDepartments);
            if (departments.Count > MaxAllowed || departments.Any(d => !IdentityIds.IsDepartment(d)))
            {
                problems.Add($"allowed_departments: at most {MaxAllowed} departments, each an open_department_id (od-…).");
            }

            row.AllowedDepartments = string.Join('\n', departments);
        }

        if (request.RequirePkce is { } pkce)
        {
            row.RequirePkce = pkce;
        }

        if (row.Kind == ClientKind.Public)
        {
            if (request.RequirePkce == false)
            {
                problems.Add("require_pkce: a public client always needs PKCE (it has no secret to prove who it is).");
            }

            row.RequirePkce = true;
        }

        if (request.Enabled is { } enabled)
        {
            row.Enabled = enabled;
        }
    }

    /// <summary>
    /// A list of redirect URIs as stored (one per line), each element checked on its own; problems named after
    /// <paramref name="member"/> and the element's index. An element is never split: one with a line break is refused.
    /// </summary>
    private static string Uris(string member, IReadOnlyList<string?>? values, int min, string countRule, List<string> problems)
    {
        var given = values ?? [];
        var uris = new List<string>();
        for (var i = 0; i < given.Count; i++)
        {
            var uri = given[i] ?? "";
            if (!IsValidRedirectUri(uri, out var problem))
            {
                problems.Add($"{member}[{i}]: {problem}");
            }
            else if (!uris.Contains(uri, StringComparer.Ordinal))
            {
                uris.Add(uri);
            }
        }

        if (given.Count < min || given.Count > MaxUris)
        {
            problems.Add($"{member}: {countRule}");
        }

        return string.Join('\n', uris);
    }

    private static List<string> Distinct(IReadOnlyList<string?>? values) =>
        [.. (values ?? []).Select(v => v?.Trim() ?? "").Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>A value for a message: at most 80 characters, control characters shown as \uXXXX (never a line break in an error).</summary>
    private static string Shorten(string? value)
    {
        var text = value is null ? "" : value.Length > 80 ? value[..80] + "…" : value;
        return text.Any(char.IsControl)
            ? string.Concat(text.Select(c => char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString(CultureInfo.InvariantCulture)))
            : text;
    }
}
