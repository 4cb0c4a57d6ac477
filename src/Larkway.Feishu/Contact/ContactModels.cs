namespace Larkway.Feishu.Contact;

/// <summary>One input of an id lookup and what the platform answered for it.</summary>
/// <param name="Email">The email looked up (as sent), or null for a mobile.</param>
/// <param name="Mobile">The mobile looked up (as sent), or null for an email.</param>
/// <param name="UserId">The user's id of the requested type, or null when none was returned.</param>
/// <param name="Status">The user's account status, when the platform gave it.</param>
public sealed record UserIdLookup(string? Email, string? Mobile, string? UserId, ContactUserStatus? Status)
{
    /// <summary>True when the platform returned an id.</summary>
    public bool Found => UserId is not null;
}

/// <summary>A directory user's account status (contact v3 <c>status</c>).</summary>
/// <param name="IsFrozen">Suspended by an administrator.</param>
/// <param name="IsResigned">Has left the organisation.</param>
/// <param name="IsActivated">Has activated the account.</param>
/// <param name="IsExited">Has exited (left) the tenant.</param>
/// <param name="IsUnjoin">Invited but has not joined yet.</param>
public sealed record ContactUserStatus(bool IsFrozen, bool IsResigned, bool IsActivated, bool IsExited, bool IsUnjoin);
