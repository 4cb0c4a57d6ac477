using System.Globalization;
using System.Runtime.CompilerServices;
using Larkway.Feishu;
using Larkway.Feishu.Contact;
using Larkway.Feishu.Im;
using Larkway.Hub.Directory;

namespace Larkway.Hub.Feishu.Directory;

/// <summary>
/// The directory's source on Feishu: its contact API, read as the app's client (<see cref="IFeishuClientFactory"/>). Every
/// call names <c>user_id_type=open_id</c> and <c>department_id_type=open_department_id</c>; pages come back in the
/// directory's records (<see cref="FeishuContactMapping"/>). A rate limit, and an answer asking again would not change,
/// come out as <see cref="DirectoryReadRefusedException"/>; any other failure as it came.
/// </summary>
internal sealed class FeishuDirectorySource(IFeishuClientFactory apps) : IDirectorySource
{
    /// <inheritdoc />
    public int PeoplePerBatch => UsersClient.MaxBatch;

    /// <inheritdoc />
    /// <remarks>Feishu's contact reads (children, find_by_department, scopes, users/batch): pages of at most 50, 50 calls a second and 1,000 a minute.</remarks>
    public DirectoryReadLimits Limits { get; } = new(UsersClient.MaxDepartmentPageSize, 50, 1000);

    /// <inheritdoc />
    public string PlatformName => "Feishu";

    /// <inheritdoc />
    /// <remarks>Feishu leaves a field out of its answers and events, without an error, when the app lacks its field scope.</remarks>
    public IReadOnlyList<DirectoryFieldGrant> FieldGrants { get; } =
    [
        new("email", "contact:user.email:readonly"),
        new("mobile", "contact:user.phone:readonly"),
        new("user_id", "contact:user.employee_id:readonly"),
        new("department_ids", "contact:user.department:readonly"),
    ];

    /// <inheritdoc />
    public async ValueTask<IDirectoryReader> OpenAsync(string app, CancellationToken cancellationToken) =>
        new Reader(await apps.GetClientAsync(app, cancellationToken).ConfigureAwait(false));

    /// <summary>The refusal the sync decides on, or null for a failure the queue retries as it came.</summary>
    internal static DirectoryReadRefusedException? Refused(FeishuApiException ex) =>
        ex.RetryAfter is null && ex.IsTransient && ex.Code != FeishuErrorCodes.ContactNoDepartmentAuthority
            ? null
            : new DirectoryReadRefusedException("Feishu", ex.Code.ToString(CultureInfo.InvariantCulture), $"Feishu error {ex.Code}: {ex.ErrorMessage} (log id {ex.RequestId})", ex)
            {
                Refusal = ex.Code switch
                {
                    FeishuErrorCodes.ContactNoDepartmentAuthority => DirectoryRefusal.DepartmentOutOfScope,
                    FeishuErrorCodes.ContactNoParentDepartmentAuthority => DirectoryRefusal.ParentOutOfScope,
                    _ => DirectoryRefusal.Other,
                },
                IsTransient = ex.IsTransient,
                RetryAfter = ex.RetryAfter,
            };

    private sealed class Reader(FeishuClient client) : IDirectoryReader
    {
        public Task<DirectoryReadPage<DirectoryDepartment>> ListDepartmentsAsync(string department, string? token, int pageSize, CancellationToken cancellationToken) =>
            PageAsync(
                () => client.Contact.Departments.ListChildrenAsync(department, fetchChild: true, DepartmentIdType.OpenDepartmentId, UserIdType.OpenId, pageSize, cancellationToken),
                token, d => FeishuContactMapping.Of(d), cancellationToken);

        public Task<DirectoryReadPage<DirectoryUser>> ListMembersAsync(string department, string? token, int pageSize, CancellationToken cancellationToken) =>
            PageAsync(
                () => client.Contact.Users.FindByDepartmentAsync(department, DepartmentIdType.OpenDepartmentId, UserIdType.OpenId, pageSize, cancellationToken),
                token, u => FeishuContactMapping.Of(u), cancellationToken);

        public async IAsyncEnumerable<DirectoryScopePage> ReadScopeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var pages = client.Contact.Scopes.ListAsync(UserIdType.OpenId, DepartmentIdType.OpenDepartmentId, ContactScopesClient.MaxPageSize, cancellationToken)
                .AsPages(null, ContactScopesClient.MaxPageSize).WithCancellation(cancellationToken).ConfigureAwait(false).GetAsyncEnumerator();
            try
            {
                while (true)
                {
                    FeishuPage<ContactScopeEntry> page;
                    try
                    {
                        if (!await pages.MoveNextAsync())
                        {
                            yield break;
                        }

                        page = pages.Current;
                    }
                    catch (FeishuApiException ex) when (Refused(ex) is { } refused)
                    {
                        throw refused;
                    }

                    yield return new DirectoryScopePage(
                        [.. page.Items.Where(e => e.Kind == ContactScopeKind.Department).Select(e => e.Id)],
                        [.. page.Items.Where(e => e.Kind == ContactScopeKind.User).Select(e => e.Id)]);
                }
            }
            finally
            {
                await pages.DisposeAsync();
            }
        }

        public async Task<DirectoryDepartment?> GetDepartmentAsync(string department, CancellationToken cancellationToken)
        {
            try
            {
                var read = await client.Contact.Departments.GetAsync(department, DepartmentIdType.OpenDepartmentId, UserIdType.OpenId, cancellationToken).ConfigureAwait(false);
                return FeishuContactMapping.Of(read);
            }
            catch (FeishuApiException ex) when (Refused(ex) is { } refused)
            {
                throw refused;
            }
        }

        public async Task<IReadOnlyList<DirectoryUser>> GetPeopleAsync(IReadOnlyList<string> people, CancellationToken cancellationToken)
        {
            try
            {
                var read = await client.Contact.Users.BatchGetAsync(people, UserIdType.OpenId, DepartmentIdType.OpenDepartmentId, cancellationToken).ConfigureAwait(false);
                return [.. read.Select(FeishuContactMapping.Of).OfType<DirectoryUser>()];
            }
            catch (FeishuApiException ex) when (Refused(ex) is { } refused)
            {
                throw refused;
            }
        }

        /// <summary>The page from <paramref name="token"/> (the first for null), mapped; what names no one is left out.</summary>
        private static async Task<DirectoryReadPage<TOut>> PageAsync<TIn, TOut>(Func<FeishuPageable<TIn>> list, string? token, Func<TIn, TOut?> map, CancellationToken cancellationToken)
            where TOut : class
        {
            try
            {
                await foreach (var page in list().AsPages(token).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    return new([.. page.Items.Select(map).OfType<TOut>()], page.HasMore && page.NextPageToken is { Length: > 0 } next ? next : null);
                }

                return new([], null);
            }
            catch (FeishuApiException ex) when (Refused(ex) is { } refused)
            {
                throw refused;
            }
        }
    }
}
