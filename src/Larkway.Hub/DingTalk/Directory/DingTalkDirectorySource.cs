using System.Globalization;
using System.Runtime.CompilerServices;
using Larkway.DingTalk;
using Larkway.Hub.Directory;

namespace Larkway.Hub.DingTalk.Directory;

/// <summary>
/// The directory's source on DingTalk: its contacts (old API, <c>topapi/v2/department/*</c> and <c>topapi/v2/user/*</c>),
/// read as the app's client (<see cref="HubDingTalkClients"/>), one call a page. Pages come back in the directory's records
/// (<see cref="DingTalkContactMapping"/>: DingTalk's root 1 is the directory's <c>0</c>). A rate limit, and a refusal asking
/// again would not change, come out as <see cref="DirectoryReadRefusedException"/>; any other failure as it came.
/// </summary>
/// <remarks>
/// DingTalk lists one level of sub-departments a call (<c>listsub</c>, no paging) where the sync asks for every department
/// under one. The walk is depth first, one department's children a page: the page token is the walk's stack (the
/// dept_ids still to open, comma-separated), so a page is one call the sync paces, and a resumed run carries on from it.
/// The stack holds the unopened siblings along one path — small for real trees, as long as the widest level for a flat one.
/// </remarks>
internal sealed class DingTalkDirectorySource(HubDingTalkClients apps) : IDirectorySource
{
    /// <summary>How long to wait after a rate limit: DingTalk counts calls a second and names no reset.</summary>
    internal static readonly TimeSpan RateLimitWait = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    /// <remarks>DingTalk reads people one at a time (<c>topapi/v2/user/get</c>): a batch is one person, one call.</remarks>
    public int PeoplePerBatch => 1;

    /// <inheritdoc />
    public string PlatformName => "DingTalk";

    /// <inheritdoc />
    /// <remarks>
    /// <c>topapi/v2/user/list</c> takes pages of at most 100. DingTalk's documented frequency limit for an internal app
    /// (open platform, "API调用频率限制"): 20 calls a second to one API on the standard edition (40 on the professional, 60 on
    /// the exclusive), beyond which it answers 90018; no tighter minute limit, so 20 × 60 a minute. The standard edition's
    /// is taken: the sync never asks an organisation for more than its lowest edition takes.
    /// </remarks>
    public DirectoryReadLimits Limits { get; } = new(Larkway.DingTalk.Users.DingTalkUsersClient.MaxPageSize, 20, 1200);

    /// <inheritdoc />
    public async ValueTask<IDirectoryReader> OpenAsync(string app, CancellationToken cancellationToken) =>
        new Reader(await apps.GetAsync(app, cancellationToken).ConfigureAwait(false));

    /// <summary>The refusal the sync decides on, or null for a failure the queue retries as it came.</summary>
    internal static DirectoryReadRefusedException? Refused(DingTalkApiException ex)
    {
        // errcode 88 carries the real reason in sub_code.
        var code = ex.Code == DingTalkErrorCodes.AuthenticationFailed && ex.SubCode is { Length: > 0 } sub ? sub : ex.Code;
        var rateLimited = DingTalkErrorCodes.IsRateLimit(code, ex.HttpStatus);
        var outOfScope = code == DingTalkErrorCodes.DepartmentOutOfScope;
        if (!rateLimited && !outOfScope && ex.IsTransient)
        {
            return null;
        }

        return new DirectoryReadRefusedException("DingTalk", code, $"DingTalk error {code}: {ex.ErrorMessage} (request id {ex.RequestId})", ex)
        {
            Refusal = outOfScope ? DirectoryRefusal.DepartmentOutOfScope : DirectoryRefusal.Other,
            IsTransient = rateLimited,
            RetryAfter = rateLimited ? ex.RetryAfter ?? RateLimitWait : null,
        };
    }

    /// <summary>The walk's stack as a page token: null when empty.</summary>
    internal static string? TokenOf(IReadOnlyList<long> stack) =>
        stack.Count == 0 ? null : string.Join(',', stack.Select(id => id.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The walk's stack a page token carries (the first page's: the department itself).</summary>
    internal static List<long> StackOf(string department, string? token) =>
        token is null
            ? [DingTalkContactMapping.DeptIdOf(department)]
            : [.. token.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture))];

    /// <summary>A reader of the contacts <paramref name="client"/>'s app sees.</summary>
    internal static IDirectoryReader ReaderOf(DingTalkClient client) => new Reader(client);

    private sealed class Reader(DingTalkClient client) : IDirectoryReader
    {
        public async Task<DirectoryReadPage<DirectoryDepartment>> ListDepartmentsAsync(string department, string? token, int pageSize, CancellationToken cancellationToken)
        {
            // listsub has no paging: a page is one department's children, whatever the page size.
            var stack = StackOf(department, token);
            var open = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            var children = await CallAsync(() => client.Departments.ListSubAsync(open, cancellationToken)).ConfigureAwait(false);

            // Pushed last first, so the first child is opened next (the walk follows DingTalk's order).
            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Add(children[i].Id);
            }

            return new([.. children.Select(d => DingTalkContactMapping.Of(d, detailed: false))], TokenOf(stack));
        }

        public async Task<DirectoryReadPage<DirectoryUser>> ListMembersAsync(string department, string? token, int pageSize, CancellationToken cancellationToken)
        {
            var cursor = token is null ? 0 : long.Parse(token, NumberStyles.None, CultureInfo.InvariantCulture);
            var size = Math.Clamp(pageSize, 1, Larkway.DingTalk.Users.DingTalkUsersClient.MaxPageSize);
            var page = await CallAsync(() => client.Users.ListDepartmentMembersAsync(DingTalkContactMapping.DeptIdOf(department), cursor, size, cancellationToken)).ConfigureAwait(false);
            var next = page.NextCursor is { } n && n != cursor ? n.ToString(CultureInfo.InvariantCulture) : null;
            return new([.. page.Users.Select(DingTalkContactMapping.Of).OfType<DirectoryUser>()], next);
        }

        public async IAsyncEnumerable<DirectoryScopePage> ReadScopeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // One call: /auth/scopes names the granted departments and people at once.
            var scope = await CallAsync(() => client.Departments.GetContactScopeAsync(cancellationToken)).ConfigureAwait(false);
            yield return new DirectoryScopePage([.. scope.DepartmentIds.Select(DingTalkContactMapping.IdOf)], scope.UserIds);
        }

        public async Task<DirectoryDepartment?> GetDepartmentAsync(string department, CancellationToken cancellationToken)
        {
            var read = await CallAsync(async () =>
            {
                try
                {
                    return await client.Departments.GetAsync(DingTalkContactMapping.DeptIdOf(department), cancellationToken).ConfigureAwait(false);
                }
                catch (DingTalkApiException ex) when (ex.Code == DingTalkErrorCodes.DepartmentNotFound)
                {
                    // Removed since it was named (a contact event read late): nothing to write; org_dept_remove marks it deleted.
                    return null;
                }
            }).ConfigureAwait(false);
            return read is null ? null : DingTalkContactMapping.Of(read, detailed: true);
        }

        public async Task<IReadOnlyList<DirectoryUser>> GetPeopleAsync(IReadOnlyList<string> people, CancellationToken cancellationToken)
        {
            var read = new List<DirectoryUser>(people.Count);
            foreach (var userId in people)
            {
                try
                {
                    var user = await client.Users.GetAsync(userId, cancellationToken).ConfigureAwait(false);
                    if (DingTalkContactMapping.Of(user) is { } shown)
                    {
                        read.Add(shown);
                    }
                }
                catch (DingTalkApiException ex) when (ex.Code == DingTalkErrorCodes.UserNotFound)
                {
                    // Granted, but no longer a member: nobody to write.
                }
                catch (DingTalkApiException ex) when (Refused(ex) is { } refused)
                {
                    throw refused;
                }
            }

            return read;
        }

        private static async Task<T> CallAsync<T>(Func<Task<T>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (DingTalkApiException ex) when (Refused(ex) is { } refused)
            {
                throw refused;
            }
        }
    }
}
