using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Larkway.Hub.Directory;
using Larkway.WeCom;
using Larkway.WeCom.Departments;

namespace Larkway.Hub.WeCom.Directory;

/// <summary>
/// The directory's source on WeCom: the corp's contacts as the app's client reads them (<see cref="HubWeComClients"/>),
/// within the app's visible range. Departments: <c>department/simplelist</c> gives the tree (ids, parents, order, no
/// names), and each department on a page is read with <c>department/get</c> for its name and leader — so a departments
/// page is a slice of the tree, at most <see cref="CallsPerPage"/> departments, and its token is the offset of the next
/// slice (WeCom does not page the tree; the slice keeps each page a bounded number of calls). Members: <c>user/list</c>
/// answers a department's direct members whole, so it is one page (no token). People by id: <c>user/get</c> each.
/// The scope: the app's visible range (<c>agent/get</c>: allow_partys and allow_userinfos). Rate limits and the
/// no-privilege refusal come out as <see cref="DirectoryReadRefusedException"/>; any other failure as it came.
/// </summary>
internal sealed class WeComDirectorySource(HubWeComClients clients, TimeProvider time) : IDirectorySource
{
    /// <summary>The most WeCom calls one page makes (departments read with department/get, people with user/get).</summary>
    internal const int CallsPerPage = 20;

    /// <summary>How long a tree read for a departments listing serves that listing's next pages.</summary>
    internal static readonly TimeSpan TreeReuse = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<(string App, long Department), (DateTimeOffset At, IReadOnlyList<WeComDepartmentRef> Tree)> _trees = new();
    private readonly TimeProvider _time = time;

    /// <inheritdoc />
    public int PeoplePerBatch => CallsPerPage;

    /// <inheritdoc />
    public string PlatformName => "WeCom";

    /// <inheritdoc />
    /// <remarks>
    /// WeCom's documented frequency limits (访问频率限制, developer.work.weixin.qq.com/document/path/90454): each corp may call
    /// one API at most 10,000 times a minute and 150,000 times an hour; it names no per-second limit. The sync paces pages,
    /// and a page here makes up to <see cref="CallsPerPage"/> calls of one API (department/get, user/get) plus one
    /// simplelist: 480 pages a minute keep that API under 9,600 calls a minute, and 8 a second spread them. One run calls
    /// each API at most once per department (WeCom allows 30,000), well under the hourly limit.
    /// </remarks>
    public DirectoryReadLimits Limits { get; } = new(CallsPerPage, 8, 480);

    /// <inheritdoc />
    public async ValueTask<IDirectoryReader> OpenAsync(string app, CancellationToken cancellationToken) =>
        Open(app, await clients.GetAsync(app, cancellationToken).ConfigureAwait(false));

    /// <summary>A reader of the contacts <paramref name="client"/> sees, as the app named <paramref name="app"/>.</summary>
    internal IDirectoryReader Open(string app, WeComClient client) => new Reader(this, app, client);

    /// <summary>The refusal the sync decides on, or null for a failure the queue retries as it came.</summary>
    /// <remarks>
    /// 45009 (the frequency limit) is held for 60 s — WeCom blocks a minute's excess for 60 seconds — and 45033 (too many
    /// calls at once) for 1 s; 60011 (outside the app's visible range) is the department out of scope.
    /// </remarks>
    internal static DirectoryReadRefusedException? Refused(WeComApiException ex)
    {
        TimeSpan? wait = ex.Code switch
        {
            WeComErrorCodes.RateLimited45009 => TimeSpan.FromSeconds(60),
            WeComErrorCodes.ConcurrencyLimited45033 => TimeSpan.FromSeconds(1),
            _ => null,
        };
        if (wait is null && ex.IsTransient)
        {
            return null;
        }

        return new DirectoryReadRefusedException("WeCom", ex.Code, $"WeCom error {ex.Code}: {ex.ErrorMessage} (hint {ex.RequestId})", ex)
        {
            Refusal = ex.Code == WeComErrorCodes.NoContactPrivilege ? DirectoryRefusal.DepartmentOutOfScope : DirectoryRefusal.Other,
            IsTransient = wait is not null,
            RetryAfter = wait,
        };
    }

    private sealed class Reader(WeComDirectorySource source, string app, WeComClient client) : IDirectoryReader
    {
        public async Task<DirectoryReadPage<DirectoryDepartment>> ListDepartmentsAsync(string department, string? token, int pageSize, CancellationToken cancellationToken)
        {
            var top = WeComContactMapping.WeComDepartmentId(department) ?? throw new ArgumentException($"'{department}' is not a WeCom department id.", nameof(department));
            var offset = token is null ? 0 : int.Parse(token, NumberStyles.None, CultureInfo.InvariantCulture);
            return await CallAsync(async () =>
            {
                // The departments below, without the department itself (simplelist lists it first).
                var below = (await TreeAsync(top, fresh: token is null, cancellationToken).ConfigureAwait(false)).Where(d => d.Id != top).ToList();
                var slice = below.Skip(offset).Take(Math.Clamp(pageSize, 1, CallsPerPage)).ToList();
                var read = new List<DirectoryDepartment>(slice.Count);
                foreach (var item in slice)
                {
                    if (await GetAsync(item.Id, cancellationToken).ConfigureAwait(false) is { } shown)
                    {
                        read.Add(shown);
                    }
                }

                var next = offset + slice.Count;
                return new DirectoryReadPage<DirectoryDepartment>(read, next < below.Count ? next.ToString(CultureInfo.InvariantCulture) : null);
            }).ConfigureAwait(false);
        }

        public async Task<DirectoryReadPage<DirectoryUser>> ListMembersAsync(string department, string? token, int pageSize, CancellationToken cancellationToken)
        {
            var id = WeComContactMapping.WeComDepartmentId(department) ?? throw new ArgumentException($"'{department}' is not a WeCom department id.", nameof(department));
            var members = await CallAsync(() => client.Users.ListDepartmentMembersDetailedAsync(id, cancellationToken)).ConfigureAwait(false);
            return new([.. members.Select(WeComContactMapping.Of).OfType<DirectoryUser>()], null);
        }

        public async IAsyncEnumerable<DirectoryScopePage> ReadScopeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (client.AgentId is not { } agentId)
            {
                // No AgentId to ask for the visible range: the root, as far as the app may read it.
                yield return new DirectoryScopePage(["0"], []);
                yield break;
            }

            var agent = await CallAsync(() => client.Agents.GetAsync(agentId, cancellationToken)).ConfigureAwait(false);

            yield return new DirectoryScopePage(
                [.. (agent.AllowParties?.PartyId ?? []).Select(WeComContactMapping.DepartmentId)],
                [.. (agent.AllowUserInfos?.User ?? []).Select(u => u.UserId).Where(u => u.Length > 0)]);
        }

        public async Task<DirectoryDepartment?> GetDepartmentAsync(string department, CancellationToken cancellationToken)
        {
            if (WeComContactMapping.WeComDepartmentId(department) is not { } id)
            {
                return null;
            }

            return await CallAsync(() => GetAsync(id, cancellationToken)).ConfigureAwait(false);
        }

        public async Task<IReadOnlyList<DirectoryUser>> GetPeopleAsync(IReadOnlyList<string> people, CancellationToken cancellationToken)
        {
            var read = new List<DirectoryUser>(people.Count);
            foreach (var userId in people.Take(CallsPerPage))
            {
                try
                {
                    if (WeComContactMapping.Of(await client.Users.GetAsync(userId, cancellationToken).ConfigureAwait(false)) is { } user)
                    {
                        read.Add(user);
                    }
                }
                catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.UserNotFound)
                {
                    // Gone, or no longer visible to the app: nobody to show.
                }
                catch (WeComApiException ex) when (Refused(ex) is { } refused)
                {
                    throw refused;
                }
            }

            return read;
        }

        /// <summary>A department by department/get; null when WeCom no longer has it (60003).</summary>
        private async Task<DirectoryDepartment?> GetAsync(long id, CancellationToken cancellationToken)
        {
            try
            {
                return WeComContactMapping.Of(await client.Departments.GetAsync(id, cancellationToken).ConfigureAwait(false));
            }
            catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.DepartmentNotFound)
            {
                return null;
            }
        }

        // One call (or a page's calls) with WeCom's refusals turned into the ones the sync decides on.
        private static async Task<T> CallAsync<T>(Func<Task<T>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (WeComApiException ex) when (Refused(ex) is { } refused)
            {
                throw refused;
            }
        }

        /// <summary>The tree under <paramref name="top"/>: read now for a listing's first page, reused for its next pages a little while.</summary>
        private async Task<IReadOnlyList<WeComDepartmentRef>> TreeAsync(long top, bool fresh, CancellationToken cancellationToken)
        {
            var now = source._time.GetUtcNow();
            if (!fresh && source._trees.TryGetValue((app, top), out var kept) && now - kept.At < TreeReuse)
            {
                return kept.Tree;
            }

            var tree = await client.Departments.ListIdsAsync(top, cancellationToken).ConfigureAwait(false);
            source._trees[(app, top)] = (now, tree);
            return tree;
        }
    }
}
