using System.Net.Http.Headers;
using Larkway.Shared.Clients;

namespace Larkway.Feishu.Auth;

/// <summary>A token, the instant it stops being valid, and the earlier instant from which it is replaced.</summary>
internal sealed record CachedToken(string Value, DateTimeOffset ExpiresAt, DateTimeOffset RefreshAt) : ICachedToken
{
    /// <summary>
    /// <c>Bearer {Value}</c>, built once per token rather than once per call. Shared by concurrent requests,
    /// which only read it.
    /// </summary>
    public AuthenticationHeaderValue Header { get; } = new("Bearer", Value);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CachedToken {{ Value = ***, ExpiresAt = {ExpiresAt:O}, RefreshAt = {RefreshAt:O} }}");
}
