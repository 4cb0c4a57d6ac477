namespace Larkway.Hub.Directory;

/// <summary>
/// Where the directory's sync reads a tenant's departments and people: a platform's contacts, supplied by that platform's
/// room as a piece of its unit (<c>.Supply&lt;IDirectorySource, …&gt;()</c>; optional, Feishu's and WeCom's today). The sync keeps
/// the run, its pages, the pacer and the writes; the source only reads one page and answers in the directory's own
/// records (<see cref="DirectoryDepartment"/>, <see cref="DirectoryUser"/>), and a refusal as a
/// <see cref="DirectoryReadRefusedException"/>.
/// </summary>
internal interface IDirectorySource
{
    /// <summary>The most people one <see cref="IDirectoryReader.GetPeopleAsync"/> asks for (the size of a <c>batch</c> page).</summary>
    int PeoplePerBatch { get; }

    /// <summary>The platform's limits for these reads: the sync never asks for more, whatever its settings say.</summary>
    DirectoryReadLimits Limits { get; }

    /// <summary>The platform's name as sentences show it (<c>Feishu</c>).</summary>
    string PlatformName { get; }

    /// <summary>
    /// What to grant when every person read lacks a field the platform leaves out silently without a permission (Feishu's
    /// field scopes); empty when the platform refuses instead, or names none.
    /// </summary>
    IReadOnlyList<DirectoryFieldGrant> FieldGrants => [];

    /// <summary>A reader of the contacts the app named <paramref name="app"/> sees.</summary>
    ValueTask<IDirectoryReader> OpenAsync(string app, CancellationToken cancellationToken);
}

/// <summary>One app's reads of its tenant's contacts, a call each (the scope: a call per page).</summary>
internal interface IDirectoryReader
{
    /// <summary>One page of the departments under <paramref name="department"/> (<c>0</c>: the root), recursively.</summary>
    Task<DirectoryReadPage<DirectoryDepartment>> ListDepartmentsAsync(string department, string? token, int pageSize, CancellationToken cancellationToken);

    /// <summary>One page of the direct members of <paramref name="department"/>.</summary>
    Task<DirectoryReadPage<DirectoryUser>> ListMembersAsync(string department, string? token, int pageSize, CancellationToken cancellationToken);

    /// <summary>The app's contact scope, a page at a time: the departments and people it is granted.</summary>
    IAsyncEnumerable<DirectoryScopePage> ReadScopeAsync(CancellationToken cancellationToken);

    /// <summary>One department; null when the answer names none the directory can use.</summary>
    Task<DirectoryDepartment?> GetDepartmentAsync(string department, CancellationToken cancellationToken);

    /// <summary>People by id (at most <see cref="IDirectorySource.PeoplePerBatch"/>).</summary>
    Task<IReadOnlyList<DirectoryUser>> GetPeopleAsync(IReadOnlyList<string> people, CancellationToken cancellationToken);
}

/// <summary>A field of a person, and what the app must be granted for the platform to show it.</summary>
/// <param name="Field">The field, as the directory names it: <c>email</c>, <c>mobile</c>, <c>user_id</c>, <c>department_ids</c>.</param>
/// <param name="Grant">What to grant, as the platform's developer console names it (Feishu's <c>contact:user.email:readonly</c>).</param>
internal sealed record DirectoryFieldGrant(string Field, string Grant);

/// <summary>A platform's limits for the contact reads the sync makes.</summary>
/// <param name="MaxPageSize">The largest page a listing takes.</param>
/// <param name="CallsPerSecond">Calls a second the platform takes from one app for these reads.</param>
/// <param name="CallsPerMinute">Calls a minute the platform takes from one app for these reads.</param>
internal sealed record DirectoryReadLimits(int MaxPageSize, int CallsPerSecond, int CallsPerMinute);

/// <summary>One page of a listing: what it showed, and the token of the next page (null on the last).</summary>
internal sealed record DirectoryReadPage<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>One page of an app's contact scope: the departments and the people granted.</summary>
internal sealed record DirectoryScopePage(IReadOnlyList<string> Departments, IReadOnlyList<string> People);

/// <summary>Why a platform refused a read, as far as the sync tells them apart.</summary>
internal enum DirectoryRefusal
{
    /// <summary>Any other refusal.</summary>
    Other,

    /// <summary>The department asked for is outside the app's contact scope.</summary>
    DepartmentOutOfScope,

    /// <summary>The department's parent is outside the app's contact scope.</summary>
    ParentOutOfScope,
}

/// <summary>
/// A read the platform refused, or told to wait for: what the sync decides on (wait, read the scope instead, fail the page
/// for good). A failure worth asking again at once is not one: the source lets it through as it came, and the queue retries.
/// </summary>
internal sealed class DirectoryReadRefusedException : Exception
{
    /// <summary>A refusal.</summary>
    /// <param name="platform">The platform's name as a sentence shows it (<c>Feishu</c>).</param>
    /// <param name="code">The platform's error code, as it gave it (a number or DingTalk's words).</param>
    /// <param name="detail">The refusal in one line, for the page's dead letter.</param>
    /// <param name="innerException">The platform's exception.</param>
    public DirectoryReadRefusedException(string platform, string code, string detail, Exception innerException)
        : base(innerException?.Message, innerException)
    {
        Platform = platform;
        Code = code;
        Detail = detail;
    }

    /// <summary>The platform's name as a sentence shows it.</summary>
    public string Platform { get; }

    /// <summary>The platform's error code, as it gave it.</summary>
    public string Code { get; }

    /// <summary>The refusal in one line, for the page's dead letter.</summary>
    public string Detail { get; }

    /// <summary>What kind of refusal it is.</summary>
    public DirectoryRefusal Refusal { get; init; }

    /// <summary>Whether asking again later may succeed.</summary>
    public bool IsTransient { get; init; }

    /// <summary>When rate limited: how long to wait before asking again.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>
/// The directory's source: the piece of the directory app's platform. The directory reads one app's contacts
/// (<see cref="DirectoryOptions.App"/>), so the platform of that app — Feishu's, DingTalk's or WeCom's — supplies it.
/// </summary>
internal sealed class DirectorySources(Platform.Units.PlatformPieces<IDirectorySource> pieces, Apps.HubAppRegistry apps, Microsoft.Extensions.Options.IOptions<DirectoryOptions> options)
{
    /// <summary>The apps the directory reads, in order.</summary>
    public DirectorySourceOrder Order => options.Value.Sources;

    /// <summary>
    /// The source of <paramref name="app"/>'s platform and a reader of its contacts, whose department ids are in the
    /// directory's namespace (<see cref="DirectorySourceOrder.PrefixOf"/>).
    /// </summary>
    public async ValueTask<(IDirectorySource Source, IDirectoryReader Reader)> OpenAsync(string app, CancellationToken cancellationToken)
    {
        var source = await ForAsync(app, cancellationToken).ConfigureAwait(false);
        var reader = await source.OpenAsync(app, cancellationToken).ConfigureAwait(false);
        return (source, Order.PrefixOf(app) is { Length: > 0 } prefix ? new QualifiedDirectoryReader(reader, prefix) : reader);
    }

    /// <summary>
    /// How a write from <paramref name="app"/> finds its people: alone, by its own ids; beside other apps, also by the
    /// accounts already linked on its platform and by email or mobile number.
    /// </summary>
    public async ValueTask<DirectoryWrite> WriteAsync(DirectoryWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var order = Order;
        return order.IsMany ? write with { Order = order, Platform = await PlatformOfAsync(write.App, cancellationToken).ConfigureAwait(false) } : write;
    }

    /// <summary>The platform (as its unit is named) of the app named <paramref name="app"/>; null when it is not an app of this Hub.</summary>
    public async ValueTask<string?> PlatformOfAsync(string app, CancellationToken cancellationToken) =>
        Apps.HubAppRegistry.IsDefault(app) ? Apps.HubAppPlatform.Of(null)
        : await apps.FindAsync(app, cancellationToken).ConfigureAwait(false) is { } stored ? Apps.HubAppPlatform.Of(stored.Platform) : null;

    /// <summary>The source of the platform the app named <paramref name="app"/> is on.</summary>
    /// <exception cref="InvalidOperationException">The app is unknown, or its platform supplies no source; the message says which.</exception>
    public async ValueTask<IDirectorySource> ForAsync(string app, CancellationToken cancellationToken)
    {
        var stored = Apps.HubAppRegistry.IsDefault(app) ? null : await apps.FindAsync(app, cancellationToken).ConfigureAwait(false);
        if (!Apps.HubAppRegistry.IsDefault(app) && stored is null)
        {
            throw new InvalidOperationException($"The directory app '{app}' (Larkway:Directory:App or AlsoFrom) is not an app of this Hub: name a stored app, or leave App empty for the default app.");
        }

        var platform = Apps.HubAppPlatform.Of(stored?.Platform);
        return pieces.Find(platform)
            ?? throw new InvalidOperationException($"The directory app '{(Apps.HubAppRegistry.IsDefault(app) ? "default" : app)}' is a {platform} app, and the Hub reads no {platform} contacts: set Larkway:Directory:App (or AlsoFrom) to an app of a platform it reads ({string.Join(", ", pieces.Platforms)}).");
    }
}
