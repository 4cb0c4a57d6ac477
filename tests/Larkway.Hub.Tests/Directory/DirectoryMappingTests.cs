using Larkway.Feishu.Events.Models.Contact;
using Larkway.Hub.Directory;

namespace Larkway.Hub.Tests.Directory;

/// <summary>An update event names what it changed from its old_object, whole (as Feishu's example shows) or partial.</summary>
public sealed class DirectoryMappingTests
{
    private static readonly ContactUser After = new()
    {
        OpenId = "ou_erin", UnionId = "on_erin", Name = "Erin Wu", Email = "erin.wu@example.com", Mobile = "+8613800009998", DepartmentIds = ["od-platform"],
    };

    [Fact]
    public void A_whole_old_object_names_only_the_fields_whose_values_differ()
    {
        var old = After with { Email = "erin@example.com" };

        DirectoryMapping.FromUpdateEvent(After, old)!.Changed.ShouldBe(new HashSet<string> { "email" });
    }

    [Fact]
    public void A_partial_old_object_names_the_fields_it_carries_and_a_department_move_is_a_change()
    {
        var old = new ContactUser { Mobile = "+8613800009999", DepartmentIds = ["od-eng"] };

        DirectoryMapping.FromUpdateEvent(After, old)!.Changed.ShouldBe(new HashSet<string> { "mobile", "departments" }, ignoreOrder: true);
    }

    [Fact]
    public void Without_an_old_object_nothing_is_named_changed()
    {
        DirectoryMapping.FromUpdateEvent(After, null)!.Changed.ShouldBeNull();
        DirectoryMapping.FromEvent(After)!.Changed.ShouldBeNull();
    }
}
