using Larkway.Hub.Directory;

namespace Larkway.Hub.Tests.Directory;

/// <summary>
/// A directory read from several apps: each later app's departments in a namespace of their own, the order deciding whose
/// fields win, and the settings refusing what cannot work.
/// </summary>
public sealed class DirectorySourceOrderTests
{
    private static readonly DirectorySourceOrder Order = new(["", "dt-org", "wc-corp"]);

    [Fact]
    public void The_first_apps_departments_keep_their_ids_and_a_later_apps_are_kept_under_its_name()
    {
        Order.PrefixOf("").ShouldBe("");
        Order.PrefixOf("dt-org").ShouldBe("dt-org:");
        DirectoryIds.Qualify("dt-org:", "2").ShouldBe("dt-org:2");
        DirectoryIds.Qualify("dt-org:", "0").ShouldBe("0");
        DirectoryIds.Strip("dt-org:", "dt-org:2").ShouldBe("2");

        var department = DirectoryIds.Qualify("wc-corp:", new DirectoryDepartment("4") { ParentId = "0", Name = "Platform" });
        (department.Id, department.ParentId).ShouldBe(("wc-corp:4", "0"));
        DirectoryIds.Qualify("wc-corp:", new DirectoryUser("alice") { DepartmentIds = ["0", "4"] }).DepartmentIds.ShouldBe(["0", "wc-corp:4"]);
    }

    [Fact]
    public void Each_app_sets_only_its_own_memberships_and_its_own_departments_time()
    {
        Order.Owns("", "od-1").ShouldBeTrue();
        Order.Owns("", "dt-org:2").ShouldBeFalse();
        Order.Owns("dt-org", "dt-org:2").ShouldBeTrue();
        Order.Owns("dt-org", "wc-corp:2").ShouldBeFalse();
        Order.Owns("wc-corp", "0").ShouldBeTrue();
        Order.DepartmentsField("").ShouldBe("departments");
        Order.DepartmentsField("dt-org").ShouldBe("departments:dt-org");
        DirectorySourceOrder.Single("dt-org").Owns("dt-org", "5").ShouldBeTrue();
    }

    [Fact]
    public void The_runs_follow_the_order_and_an_earlier_app_outranks_a_later_one()
    {
        Order.After("").ShouldBe("dt-org");
        Order.After("wc-corp").ShouldBeNull();
        Order.Precedes("", "wc-corp").ShouldBeTrue();
        Order.Precedes("wc-corp", "dt-org").ShouldBeFalse();
        Order.Reads("other").ShouldBeFalse();
    }

    [Fact]
    public void AlsoFrom_names_each_other_app_once_and_never_the_directory_app()
    {
        new DirectoryOptions { App = "default", AlsoFrom = ["dt-org", " wc-corp "] }.Sources.Apps.ShouldBe(["", "dt-org", "wc-corp"]);
        Problems(new DirectoryOptions { AlsoFrom = ["dt-org"] }).ShouldBeEmpty();
        Problems(new DirectoryOptions { App = "dt-org", AlsoFrom = ["dt-org"] }).ShouldHaveSingleItem().ShouldContain("not Larkway:Directory:App itself");
        Problems(new DirectoryOptions { AlsoFrom = ["dt-org", "dt-org"] }).ShouldHaveSingleItem().ShouldContain("each app once");
        Problems(new DirectoryOptions { AlsoFrom = ["a:b"] }).ShouldHaveSingleItem().ShouldContain("AlsoFrom must name at most 4 apps");
    }

    private static List<string> Problems(DirectoryOptions options) =>
        [.. new DirectoryOptionsValidator().Validate(null, options).Failures ?? []];
}
