using System.Text.Json.Serialization;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Directory;

/// <summary>Where a person stands in the company, as Feishu's contact status says.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<PersonStatus>))]
public enum PersonStatus
{
    /// <summary>Works here and may sign in.</summary>
    Active,

    /// <summary>Suspended by an administrator (<c>is_frozen</c>): kept, but may not sign in.</summary>
    Frozen,

    /// <summary>Left the company (<c>is_resigned</c>, or deleted from the directory): kept for history, may not sign in.</summary>
    Resigned,
}

/// <summary>
/// One person of a tenant (<c>directory_people</c>): the Hub's own stable id for them, whatever ids Feishu gives.
/// open_id differs per app (<see cref="PersonAppIdRow"/>), union_id per developer, and user_id is tenant-wide but
/// can be changed by an administrator and reused for a new hire — so none of them is the person's identity; the
/// <see cref="Id"/> is (and is what the Hub's sign-in gives apps as <c>sub</c>).
/// </summary>
public sealed class PersonRow
{
    /// <summary>The Hub's id (<c>per_…</c>), never reused.</summary>
    public string Id { get; set; } = "";

    /// <summary>The Feishu tenant the person belongs to.</summary>
    public string TenantKey { get; set; } = "";

    /// <summary>union_id (the same for all apps of one developer); null until an app that can read it saw the person.</summary>
    public string? UnionId { get; set; }

    /// <summary>user_id (tenant-wide, changeable by an administrator); null without the field's scope.</summary>
    public string? UserId { get; set; }

    /// <summary>The display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The English name, if any.</summary>
    public string? EnName { get; set; }

    /// <summary>The email Feishu holds (imported by an administrator, not verified by Feishu).</summary>
    public string? Email { get; set; }

    /// <summary>The enterprise (corporate mailbox) email, if the tenant has one.</summary>
    public string? EnterpriseEmail { get; set; }

    /// <summary>The mobile number; shown masked everywhere and never logged.</summary>
    public string? Mobile { get; set; }

    /// <summary>The employee number, if any.</summary>
    public string? EmployeeNo { get; set; }

    /// <summary>The avatar picture's URL.</summary>
    public string? AvatarUrl { get; set; }

    /// <summary>Active, frozen or resigned.</summary>
    public PersonStatus Status { get; set; }

    /// <summary>The person's leader: their open_id under the directory's app (<c>leader_user_id</c>), null when none or unreadable.</summary>
    public string? LeaderOpenId { get; set; }

    /// <summary>
    /// When each field was last set, as <c>field → unix milliseconds</c> (JSON): an event older than a field's time does not
    /// overwrite it, so events applied late or twice never undo a newer state. Null until the directory sync or an event wrote the person.
    /// </summary>
    public string? FieldTimes { get; set; }

    /// <summary>The directory sync run that last saw the person (<see cref="DirectorySyncRunRow.Id"/>), null when none has.</summary>
    public string? LastSyncRunId { get; set; }

    /// <summary>
    /// The platform the person wants notifications on (<see cref="Links.PersonPlatform"/>), set by an administrator; null
    /// follows the directory's platform order.
    /// </summary>
    public string? PreferredPlatform { get; set; }

    /// <summary>When the Hub first saw the person.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When anything about the person last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A person's open_id under one of the Hub's apps (<c>directory_person_app_ids</c>): open_ids differ per app.</summary>
public sealed class PersonAppIdRow
{
    /// <summary>The person (<see cref="PersonRow.Id"/>).</summary>
    public string PersonId { get; set; } = "";

    /// <summary>The Hub app's name; <c>""</c> for the default app, as elsewhere in the database.</summary>
    public string App { get; set; } = "";

    /// <summary>The person's open_id under that app.</summary>
    public string OpenId { get; set; } = "";
}
