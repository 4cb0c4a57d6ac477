using System.Globalization;

namespace Larkway.Shared.Clients;

/// <summary>An access token, when it expires, and the earlier instant from which it is replaced.</summary>
internal sealed record AccessToken(string Value, DateTimeOffset ExpiresAt, DateTimeOffset RefreshAt) : ICachedToken
{
    /// <summary>
    /// A token asked for at <paramref name="askedAt"/> that lives <paramref name="lifetime"/>: its lifetime counts from when
    /// it was asked for (network time only makes it look older), and it is replaced <paramref name="refreshMargin"/> before
    /// it expires — or at half its life when it lives less than twice the margin (an emulator's), so that it is not fetched
    /// again on every call.
    /// </summary>
    public static AccessToken Issued(string value, DateTimeOffset askedAt, TimeSpan lifetime, TimeSpan refreshMargin)
    {
        var margin = refreshMargin < lifetime / 2 ? refreshMargin : lifetime / 2;
        return new AccessToken(value, askedAt + lifetime, askedAt + lifetime - margin);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"AccessToken {{ Value = ***, ExpiresAt = {ExpiresAt:O} }}");
}
