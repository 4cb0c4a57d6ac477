using Larkway.DingTalk;
using Larkway.DingTalk.Departments;
using Larkway.DingTalk.Users;
using Larkway.Hub.Directory;
using Larkway.Hub.DingTalk.Directory;

namespace Larkway.Hub.Tests.Directory;

/// <summary>
/// DingTalk's contacts in the directory's terms: the root 1 is the directory's 0, a userid is both ids, everyone listed is
/// active; the department walk is one call a page with its stack as the token; refusals the sync decides on.
/// </summary>
public sealed class DingTalkContactMappingTests
{
    [Fact]
    public void A_listed_person_maps_every_field_and_the_root_department_is_0()
    {
        var user = new DingTalkUser
        {
            UserId = "carol", UnionId = "union-carol", Name = "Carol Wang", Email = "carol@example.com", OrgEmail = "carol@corp.example.com",
            Mobile = "13800000003", JobNumber = "LD0003", Avatar = "https://avatar.example.com/c.png", DepartmentIds = [1, 3], Active = false,
        };

        var mapped = DingTalkContactMapping.Of(user)!;

        mapped.Id.ShouldBe("carol");
        mapped.UserId.ShouldBe("carol");
        mapped.UnionId.ShouldBe("union-carol");
        mapped.Name.ShouldBe("Carol Wang");
        mapped.Email.ShouldBe("carol@example.com");
        mapped.EnterpriseEmail.ShouldBe("carol@corp.example.com");
        mapped.Mobile.ShouldBe("13800000003");
        mapped.EmployeeNo.ShouldBe("LD0003");
        mapped.AvatarUrl.ShouldBe("https://avatar.example.com/c.png");
        mapped.DepartmentIds.ShouldBe(["0", "3"]);

        // Not yet signed in to DingTalk (active false) is still a current member.
        mapped.Status.ShouldBe(PersonStatus.Active);
        mapped.LeaderId.ShouldBeNull();
    }

    [Fact]
    public void Without_a_userid_nobody_is_mapped_and_without_departments_they_are_not_shown()
    {
        DingTalkContactMapping.Of(new DingTalkUser { Name = "Ghost" }).ShouldBeNull();
        DingTalkContactMapping.Of(new DingTalkUser { UserId = "erin", Name = "" })!.DepartmentIds.ShouldBeNull();
        DingTalkContactMapping.Of(new DingTalkUser { UserId = "erin", Name = "" })!.Name.ShouldBeNull();
    }

    [Fact]
    public void A_department_under_the_root_has_parent_0_and_get_shows_its_first_manager_as_leader()
    {
        var listed = DingTalkContactMapping.Of(new DingTalkDepartment { Id = 2, Name = "Engineering", ParentId = 1 }, detailed: false);
        var got = DingTalkContactMapping.Of(new DingTalkDepartment { Id = 4, Name = "Platform", ParentId = 2, Order = 7, ManagerUserIds = ["alice", "bob"] }, detailed: true);
        var noManager = DingTalkContactMapping.Of(new DingTalkDepartment { Id = 5, Name = "Ops", ParentId = 2 }, detailed: true);

        (listed.Id, listed.Name, listed.ParentId, listed.LeaderId).ShouldBe(("2", "Engineering", "0", (string?)null));
        (got.Id, got.ParentId, got.LeaderId, got.Order).ShouldBe(("4", "2", "alice", (long?)7));
        noManager.LeaderId.ShouldBe("");
        DingTalkContactMapping.DeptIdOf("0").ShouldBe(1);
        DingTalkContactMapping.DeptIdOf("42").ShouldBe(42);
        Should.Throw<ArgumentException>(() => DingTalkContactMapping.DeptIdOf("od-x"));
    }

    [Fact]
    public async Task The_department_walk_is_depth_first_one_listsub_a_page_with_its_stack_as_the_token()
    {
        var tree = new Dictionary<long, long[]> { [1] = [2, 3], [2] = [4], [3] = [], [4] = [] };
        var client = new FakeClient(tree);
        var reader = DingTalkDirectorySource.ReaderOf(client);

        var seen = new List<(string Id, string? Parent)>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await reader.ListDepartmentsAsync("0", token, 50, CancellationToken.None);
            seen.AddRange(page.Items.Select(d => (d.Id, d.ParentId)));
            token = page.Next;
            pages++;
        }
        while (token is not null);

        seen.ShouldBe([("2", "0"), ("3", "0"), ("4", "2")]);
        pages.ShouldBe(4);
        client.Opened.ShouldBe([1L, 2L, 4L, 3L]);
    }

    [Fact]
    public async Task Members_page_with_the_cursor_as_the_token_and_the_root_is_dept_1()
    {
        var client = new FakeClient(new Dictionary<long, long[]>());
        var reader = DingTalkDirectorySource.ReaderOf(client);

        var first = await reader.ListMembersAsync("0", null, 50, CancellationToken.None);
        var second = await reader.ListMembersAsync("0", first.Next, 50, CancellationToken.None);

        first.Next.ShouldBe("1");
        first.Items.Single().Id.ShouldBe("u0");
        second.Next.ShouldBeNull();
        client.MemberCalls.ShouldBe([(1L, 0L, 50), (1L, 1L, 50)]);
    }

    [Theory]
    [InlineData("50004", null, "50004", nameof(DirectoryRefusal.DepartmentOutOfScope), false, false)]
    [InlineData("90018", null, "90018", nameof(DirectoryRefusal.Other), true, true)]
    [InlineData("88", "90018", "90018", nameof(DirectoryRefusal.Other), true, true)]
    [InlineData("Forbidden.AccessDenied.QpsLimitForApi", null, "Forbidden.AccessDenied.QpsLimitForApi", nameof(DirectoryRefusal.Other), true, true)]
    [InlineData("60011", null, "60011", nameof(DirectoryRefusal.Other), false, false)]
    public void Refusals_carry_dingtalks_code_and_what_the_sync_decides_on(string code, string? subCode, string shown, string refusal, bool transient, bool waits)
    {
        var refused = DingTalkDirectorySource.Refused(new DingTalkApiException(code, "refused", requestId: "r1") { SubCode = subCode })!;

        refused.Platform.ShouldBe("DingTalk");
        refused.Code.ShouldBe(shown);
        refused.Refusal.ToString().ShouldBe(refusal);
        refused.IsTransient.ShouldBe(transient);
        (refused.RetryAfter is not null).ShouldBe(waits);
    }

    [Fact]
    public void A_busy_system_is_left_to_the_queue_to_retry()
    {
        DingTalkDirectorySource.Refused(new DingTalkApiException(DingTalkErrorCodes.SystemBusy, "系统繁忙")).ShouldBeNull();
    }

    private sealed class FakeClient(Dictionary<long, long[]> tree) : DingTalkClient
    {
        private readonly FakeDepartments _departments = new(tree);
        private readonly FakeUsers _users = new();

        public List<long> Opened => _departments.Opened;

        public List<(long Dept, long Cursor, int Size)> MemberCalls => _users.Calls;

        public override DingTalkDepartmentsClient Departments => _departments;

        public override DingTalkUsersClient Users => _users;
    }

    private sealed class FakeDepartments(Dictionary<long, long[]> tree) : DingTalkDepartmentsClient
    {
        public List<long> Opened { get; } = [];

        public override Task<IReadOnlyList<DingTalkDepartment>> ListSubAsync(long departmentId = RootId, CancellationToken cancellationToken = default)
        {
            Opened.Add(departmentId);
            return Task.FromResult<IReadOnlyList<DingTalkDepartment>>([.. tree[departmentId].Select(id => new DingTalkDepartment { Id = id, Name = "D" + id, ParentId = departmentId })]);
        }
    }

    private sealed class FakeUsers : DingTalkUsersClient
    {
        public List<(long Dept, long Cursor, int Size)> Calls { get; } = [];

        public override Task<DingTalkUserPage> ListDepartmentMembersAsync(long departmentId, long cursor = 0, int pageSize = MaxPageSize, CancellationToken cancellationToken = default)
        {
            Calls.Add((departmentId, cursor, pageSize));
            var user = new DingTalkUser { UserId = "u" + cursor, Name = "User " + cursor, DepartmentIds = [departmentId] };
            return Task.FromResult(new DingTalkUserPage([user], cursor == 0, cursor == 0 ? 1 : null));
        }
    }
}
