namespace Larkway.WeCom.Messages;

/// <summary>
/// Who an app message goes to: members (at most 1,000), departments (at most 100) and tags (at most 100), or everyone
/// in the app's visible range (<see cref="All"/>).
/// </summary>
public sealed record WeComRecipients
{
    /// <summary>Members' userids.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Department ids.</summary>
    public IReadOnlyList<string> Departments { get; init; } = [];

    /// <summary>Tag ids.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Everyone in the app's visible range (<c>touser</c> "@all").</summary>
    public static WeComRecipients All { get; } = new() { Users = ["@all"] };

    /// <summary>These members.</summary>
    public static WeComRecipients ToUsers(params IReadOnlyList<string> userIds) => new() { Users = userIds };

    /// <summary>These departments.</summary>
    public static WeComRecipients ToDepartments(params IReadOnlyList<string> departmentIds) => new() { Departments = departmentIds };

    /// <summary>These tags.</summary>
    public static WeComRecipients ToTags(params IReadOnlyList<string> tagIds) => new() { Tags = tagIds };

    internal string? TouserWire => Users.Count == 0 ? null : string.Join('|', Users);

    internal string? TopartyWire => Departments.Count == 0 ? null : string.Join('|', Departments);

    internal string? TotagWire => Tags.Count == 0 ? null : string.Join('|', Tags);

    internal void Validate()
    {
        if (Users.Count + Departments.Count + Tags.Count == 0)
        {
            throw Limits.Invalid("An app message needs at least one recipient: users, departments or tags (or WeComRecipients.All).");
        }

        Limits.Count(Users, 0, 1000, "touser");
        Limits.Count(Departments, 0, 100, "toparty");
        Limits.Count(Tags, 0, 100, "totag");
        foreach (var id in Users.Concat(Departments).Concat(Tags))
        {
            if (string.IsNullOrWhiteSpace(id) || id.Contains('|', StringComparison.Ordinal))
            {
                throw Limits.Invalid($"A recipient id cannot be empty or hold '|' (the list separator): '{id}'.");
            }
        }
    }
}

/// <summary>How an app message is sent.</summary>
public sealed record WeComSendOptions
{
    /// <summary>Confidential (<c>safe</c> 1: no forwarding, watermarked); 2 marks it as visible only within the corp (mpnews).</summary>
    public int Safe { get; init; }

    /// <summary>Turn userids and department ids in the content into names (<c>enable_id_trans</c>).</summary>
    public bool EnableIdTranslation { get; init; }

    /// <summary>
    /// Ask WeCom to drop the same message sent again within <see cref="DuplicateCheckInterval"/>
    /// (<c>enable_duplicate_check</c>). With it, the client also retries the send after a timeout or a 5xx.
    /// </summary>
    public bool EnableDuplicateCheck { get; init; }

    /// <summary>The window of the duplicate check (<c>duplicate_check_interval</c>; WeCom's default 1,800 s, at most 4 hours).</summary>
    public TimeSpan? DuplicateCheckInterval { get; init; }

    /// <summary>The app to send as; defaults to <see cref="WeComAppOptions.AgentId"/>.</summary>
    public long? AgentId { get; init; }
}
