using Larkway.Hub.Directory;
using Larkway.Hub.Feishu.Directory;
using ClientStatus = Larkway.Feishu.Contact.ContactUserStatus;
using ClientUser = Larkway.Feishu.Contact.ContactUser;
using EventDepartment = Larkway.Feishu.Events.Models.Contact.ContactDepartment;
using EventStatus = Larkway.Feishu.Events.Models.Contact.ContactUserStatus;
using EventUser = Larkway.Feishu.Events.Models.Contact.ContactUser;

namespace Larkway.Hub.Tests.Directory;

/// <summary>
/// An update event names what it changed from its old_object, whole (as Feishu's example shows) or partial; an event's
/// user enters the directory as the contact client's model, so the API and the events map the same way.
/// </summary>
public sealed class FeishuContactMappingTests
{
    private static readonly EventUser After = new()
    {
        OpenId = "ou_erin", UnionId = "on_erin", Name = "Erin Wu", Email = "erin.wu@example.com", Mobile = "+8613800009998", DepartmentIds = ["od-platform"],
    };

    [Fact]
    public void A_whole_old_object_names_only_the_fields_whose_values_differ()
    {
        var old = After with { Email = "erin@example.com" };

        Update(After, old)!.Changed.ShouldBe(new HashSet<string> { "email" });
    }

    [Fact]
    public void A_partial_old_object_names_the_fields_it_carries_and_a_department_move_is_a_change()
    {
        var old = new EventUser { Mobile = "+8613800009999", DepartmentIds = ["od-eng"] };

        Update(After, old)!.Changed.ShouldBe(new HashSet<string> { "mobile", "departments" }, ignoreOrder: true);
    }

    [Fact]
    public void Without_an_old_object_nothing_is_named_changed()
    {
        Update(After, null)!.Changed.ShouldBeNull();
        FeishuContactMapping.Of(FeishuContactEvents.ToClient(After))!.Changed.ShouldBeNull();
    }

    [Fact]
    public void An_events_user_and_the_apis_user_with_the_same_facts_map_the_same()
    {
        var fromEvent = After with { Status = new EventStatus { IsResigned = true } };
        var fromApi = new ClientUser
        {
            OpenId = "ou_erin", UnionId = "on_erin", Name = "Erin Wu", Email = "erin.wu@example.com", Mobile = "+8613800009998", DepartmentIds = ["od-platform"],
            Status = new ClientStatus(IsFrozen: false, IsResigned: true, IsActivated: false, IsExited: false, IsUnjoin: false),
        };

        var mapped = FeishuContactMapping.Of(FeishuContactEvents.ToClient(fromEvent))!;
        mapped.ShouldBe(FeishuContactMapping.Of(fromApi)! with { DepartmentIds = mapped.DepartmentIds });
        mapped.DepartmentIds!.ShouldBe(new[] { "od-platform" });
        mapped.Status.ShouldBe(PersonStatus.Resigned);
    }

    [Fact]
    public void A_frozen_flag_beside_the_status_freezes_and_an_event_without_either_leaves_the_status_alone()
    {
        FeishuContactMapping.Of(FeishuContactEvents.ToClient(After with { IsFrozen = true }))!.Status.ShouldBe(PersonStatus.Frozen);
        FeishuContactMapping.Of(FeishuContactEvents.ToClient(After with { IsFrozen = true, Status = new EventStatus { IsFrozen = false } }))!.Status.ShouldBe(PersonStatus.Frozen);
        FeishuContactMapping.Of(FeishuContactEvents.ToClient(After))!.Status.ShouldBeNull();
    }

    [Fact]
    public void Without_an_id_an_event_names_no_one()
    {
        FeishuContactMapping.Of(FeishuContactEvents.ToClient(After with { OpenId = null })).ShouldBeNull();
        FeishuContactMapping.Of(FeishuContactEvents.ToClient(new EventDepartment { Name = "Platform" }, deleted: true)).ShouldBeNull();
        FeishuContactMapping.Of(FeishuContactEvents.ToClient(new EventDepartment { OpenDepartmentId = "od-1", Name = "Platform" }, deleted: true))!.Deleted.ShouldBeTrue();
    }

    private static DirectoryUser? Update(EventUser user, EventUser? old) =>
        FeishuContactMapping.OfUpdate(FeishuContactEvents.ToClient(user), old is null ? null : FeishuContactEvents.ToClient(old));
}
