namespace Larkway.Hub.Platform.Auth.ApiKeys;

/// <summary>
/// The API keys' application logic, apart from HTTP: checks a new key's name and types before the store makes it. The
/// endpoints (admin key only) read the body, audit the change and map the outcome to a status.
/// </summary>
internal sealed class ApiKeyService(ApiKeyStore keys)
{
    /// <summary>Longest name of a key (the business system it is for).</summary>
    public const int MaxNameLength = 128;

    /// <summary>
    /// Makes a key for <paramref name="name"/> that may send <paramref name="types"/> (trimmed, duplicates dropped), or
    /// says what is wrong with the request: the first problem found, as one sentence naming the field.
    /// </summary>
    public async Task<ApiKeyCreateResult> CreateAsync(string? name, IReadOnlyList<string?>? types, CancellationToken cancellationToken)
    {
        if (types?.Any(t => t is null) == true)
        {
            return ApiKeyCreateResult.Invalid("types: every item must be a string, a notification type the key may send.");
        }

        name = name?.Trim();
        var patterns = types?.Select(t => t!.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToArray() ?? [];
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return ApiKeyCreateResult.Invalid($"name: required, at most {MaxNameLength} characters (the business system the key is for).");
        }

        if (patterns.Length == 0 || patterns.Any(t => !ApiKeyStore.IsValidPattern(t)))
        {
            return ApiKeyCreateResult.Invalid("types: required, a list of notification types the key may send: exact names ('purchase_order.created'), families ('purchase_order.*'), or '*' for all.");
        }

        var (key, secret) = await keys.CreateAsync(name, patterns, cancellationToken).ConfigureAwait(false);
        return new ApiKeyCreateResult(key, patterns, secret, Problem: null);
    }

    /// <summary>Every key, revoked ones included (no secrets: only their hashes are stored).</summary>
    public Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken cancellationToken) => keys.ListAsync(cancellationToken);

    /// <summary>Up to <paramref name="take"/> + 1 keys newest first after key <paramref name="after"/>; null when no key has that id.</summary>
    public Task<IReadOnlyList<ApiKeyRow>?> ListPageAsync(string? after, int take, CancellationToken cancellationToken) => keys.ListPageAsync(after, take, cancellationToken);

    /// <summary>Revokes a key; false when no key has the id.</summary>
    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken) => keys.RevokeAsync(id, cancellationToken);
}

/// <summary>A new key with its types and its secret (shown once), or the problem with the request.</summary>
internal sealed record ApiKeyCreateResult(ApiKeyRow? Key, string[] Types, string? Secret, string? Problem)
{
    public static ApiKeyCreateResult Invalid(string problem) => new(null, [], null, problem);
}
