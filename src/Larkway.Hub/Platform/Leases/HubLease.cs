namespace Larkway.Hub.Platform.Leases;

/// <summary>
/// A row of <c>hub_leases</c>: who holds the singleton duty <see cref="Name"/> and until when. A lease is live while
/// <see cref="ExpiresAt"/> is in the future; after that anyone may take it.
/// </summary>
public sealed class HubLeaseRow
{
    /// <summary>Max length of <see cref="Name"/>.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Max length of <see cref="Owner"/>.</summary>
    public const int MaxOwnerLength = 128;

    /// <summary>The duty, e.g. <c>long-connection/cli_a1b2</c> or <c>job/directory-sync</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The holder (process and component), e.g. <c>host/1234/lease/9f2c…</c>.</summary>
    public string Owner { get; set; } = "";

    /// <summary>When the current owner first took it (kept across renewals).</summary>
    public DateTimeOffset AcquiredAt { get; set; }

    /// <summary>When it lapses unless renewed.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A lease as read back (for diagnostics and tests).</summary>
public sealed record HubLease(string Name, string Owner, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt);
