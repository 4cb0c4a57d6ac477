namespace Larkway.Emulator.Seed;

// The seed file format (docs/emulator.md). Every id is optional: missing ids are derived from
// names, so a seed can be as short as a list of user names.

public sealed class SeedDocument
{
    public SeedTenant? Tenant { get; init; }

    public IReadOnlyList<SeedDepartment>? Departments { get; init; }

    public IReadOnlyList<SeedUser>? Users { get; init; }

    public IReadOnlyList<SeedApp>? Apps { get; init; }

    public IReadOnlyList<SeedChat>? Chats { get; init; }

    public IReadOnlyList<SeedWebhook>? Webhooks { get; init; }
}

public sealed class SeedTenant
{
    public string? TenantKey { get; init; }

    public string? Name { get; init; }
}

public sealed class SeedDepartment
{
    public required string Name { get; init; }

    public string? OpenDepartmentId { get; init; }

    public string? DepartmentId { get; init; }

    /// <summary>department_id or open_department_id of the parent; "0" (root) when absent.</summary>
    public string? ParentDepartmentId { get; init; }
}

public sealed class SeedUser
{
    public required string Name { get; init; }

    public string? OpenId { get; init; }

    public string? UnionId { get; init; }

    public string? UserId { get; init; }

    public string? Email { get; init; }

    /// <summary>Mobile number; without a +country code it is read as mainland China (+86).</summary>
    public string? Mobile { get; init; }

    /// <summary>department_id or open_department_id values.</summary>
    public IReadOnlyList<string>? Departments { get; init; }

    public bool IsResigned { get; init; }

    /// <summary>Suspended by an administrator.</summary>
    public bool IsFrozen { get; init; }

    /// <summary>False for an invited user who has not joined yet; default true.</summary>
    public bool IsActivated { get; init; } = true;

    public string? EnName { get; init; }

    public string? EnterpriseEmail { get; init; }

    public string? JobTitle { get; init; }

    public string? EmployeeNo { get; init; }

    /// <summary>1 regular (default), 2 intern, 3 outsourced, 4 labour, 5 consultant.</summary>
    public int? EmployeeType { get; init; }
}

public sealed class SeedApp
{
    public required string AppId { get; init; }

    public required string AppSecret { get; init; }

    public string? BotName { get; init; }

    public string? BotOpenId { get; init; }

    public bool Disabled { get; init; }

    /// <summary>The developer owning the app: apps of one developer see the same union_ids. Absent: the tenant's one developer.</summary>
    public string? Developer { get; init; }

    /// <summary>The app's contact scope; absent: all members.</summary>
    public SeedContactScope? ContactScope { get; init; }

    /// <summary>The contact field scopes granted (e.g. contact:user.email:readonly); absent: all of them.</summary>
    public IReadOnlyList<string>? ContactFieldScopes { get; init; }

    /// <summary>The app's event subscription (stored without url_verification).</summary>
    public SeedEvents? Events { get; init; }

    /// <summary>The app's card callback configuration (stored without url_verification).</summary>
    public SeedCallback? Callback { get; init; }

    /// <summary>The app's sign-in settings: redirect URL allow-list, applied scopes, user_info fields, availability.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("oauth")]
    public SeedOAuth? OAuth { get; init; }
}

public sealed class SeedContactScope
{
    public bool AllMembers { get; init; }

    /// <summary>department_id or open_department_id values; each with everything below it.</summary>
    public IReadOnlyList<string>? Departments { get; init; }

    /// <summary>Users by open_id, user_id, union_id or email.</summary>
    public IReadOnlyList<string>? Users { get; init; }
}

public sealed class SeedCallback
{
    /// <summary>Receives card.action.trigger.</summary>
    public string? Url { get; init; }

    /// <summary>The old message-card request URL (card.action.trigger_v1 bodies); wins over <see cref="Url"/>.</summary>
    public string? CardRequestUrl { get; init; }

    public string? EncryptKey { get; init; }

    public string? VerificationToken { get; init; }
}

public sealed class SeedEvents
{
    /// <summary>"http" (default; needs <see cref="Url"/>) or "long-connection" (no URL).</summary>
    public string? Mode { get; init; }

    public string? Url { get; init; }

    public string? EncryptKey { get; init; }

    public string? VerificationToken { get; init; }

    /// <summary>Models the im:message.group_msg scope: group messages arrive without an @-mention.</summary>
    public bool ReceiveAllGroupMessages { get; init; }
}

public sealed class SeedChat
{
    public required string Name { get; init; }

    public string? ChatId { get; init; }

    public string? Description { get; init; }

    /// <summary>private (default) or public.</summary>
    public string? ChatType { get; init; }

    /// <summary>A user (open_id, user_id or email); null makes the first bot the owner.</summary>
    public string? Owner { get; init; }

    /// <summary>Users by open_id, user_id, union_id or email.</summary>
    public IReadOnlyList<string>? Members { get; init; }

    /// <summary>app_ids of bots in the chat; null puts the emulator's app in it.</summary>
    public IReadOnlyList<string>? Bots { get; init; }
}

public sealed class SeedWebhook
{
    public required string Token { get; init; }

    /// <summary>chat_id or name of the seeded chat the custom bot posts to.</summary>
    public required string Chat { get; init; }

    public string? Name { get; init; }

    public string? Secret { get; init; }

    public IReadOnlyList<string>? Keywords { get; init; }

    public IReadOnlyList<string>? IpAllowlist { get; init; }
}
