using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.Hub.DingTalk;
using Larkway.Hub.DingTalk.Directory;
using Larkway.Hub.Directory;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.Tests.Directory;

/// <summary>
/// DingTalk's contact events as the directory reads them: ids only, so users added or changed and departments created or
/// changed are read again; a user who left is deleted and a removed department marked deleted. The HTTP push's fields
/// (UserId, DeptId, TimeStamp, CorpId) and Stream's data (userId, deptId, timeStamp) read alike; a Stream event's corp comes
/// from its frame's eventCorpId header, kept with the stored event.
/// </summary>
public sealed class DingTalkDirectoryEventsTests
{
    private static readonly DingTalkDirectoryEvents Events = new();

    [Fact]
    public void An_HTTP_user_add_org_names_the_users_to_read_with_its_time_and_corp()
    {
        var context = Context("user_add_org", """{"EventType":"user_add_org","TimeStamp":"1764460800123","CorpId":"dingcorp","UserId":["erin","frank","erin"]}""");

        var head = Events.Head(context).ShouldNotBeNull();
        head.Type.ShouldBe("user_add_org");
        head.IsContact.ShouldBeTrue();
        head.TenantKey.ShouldBe("dingcorp");
        head.At.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1764460800123));
        head.DedupKey.ShouldBe("dt:key:evt:1");

        var read = Events.Change(context).ShouldBeOfType<DirectoryToRead>();
        read.Users.ShouldBe(["erin", "frank"]);
        read.Departments.ShouldBeEmpty();
    }

    [Fact]
    public void A_Stream_event_kept_as_its_frame_names_its_corp_as_the_tenant_and_shows_its_data_alone()
    {
        var stored = Stored(DingTalkIngest.StreamTransport, """
            {"specVersion":"1.0","type":"EVENT","headers":{"appId":"dingkey","topic":"user_add_org","messageId":"m-1","eventId":"e-1","eventType":"user_add_org","eventBornTime":"1764460800456","eventCorpId":"dingcorp","eventUnifiedAppId":"5f3c1a2b-0d4e-4f60-8a71-0000e0a10001"},"data":{"userId":["erin"]}}
            """);

        var (body, origin) = DingTalkStoredEvent.Read(stored);
        var context = Context("user_add_org", body.GetRawText()).WithNative(origin.ShouldNotBeNull());

        body.GetRawText().ShouldBe("""{"userId":["erin"]}""");
        origin.UnifiedAppId.ShouldBe("5f3c1a2b-0d4e-4f60-8a71-0000e0a10001");
        var head = Events.Head(context).ShouldNotBeNull();
        head.TenantKey.ShouldBe("dingcorp");
        head.At.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1764460800456), "no timeStamp in the data: the frame's eventBornTime");
        Events.Change(context).ShouldBeOfType<DirectoryToRead>().Users.ShouldBe(["erin"]);

        // Not a contact event: no tenant, whatever the frame says.
        Events.Head(Context("chat_add_member", body.GetRawText()).WithNative(origin)).ShouldNotBeNull().TenantKey.ShouldBeNull();
    }

    [Fact]
    public void A_Stream_event_stored_as_its_data_alone_or_an_HTTP_push_shaped_like_a_frame_reads_as_it_is()
    {
        var (before, none) = DingTalkStoredEvent.Read(Stored(DingTalkIngest.StreamTransport, """{"timeStamp":"1764460800000","userId":["erin"]}"""));
        none.ShouldBeNull();
        before.GetProperty("userId")[0].GetString().ShouldBe("erin");

        var frameLike = """{"type":"EVENT","headers":{"eventCorpId":"forged"},"data":{}}""";
        var (http, noOrigin) = DingTalkStoredEvent.Read(Stored(DingTalkIngest.CallbackTransport, frameLike));
        noOrigin.ShouldBeNull();
        http.GetRawText().ShouldBe(frameLike);
    }

    [Fact]
    public void Streams_lower_camel_case_data_reads_the_same_and_carries_no_tenant()
    {
        var context = Context("user_modify_org", """{"timeStamp":"1764460800000","optStaffId":"admin","userId":["erin"],"diffInfo":[{"userid":"erin"}]}""");

        var head = Events.Head(context).ShouldNotBeNull();
        head.TenantKey.ShouldBeNull();
        head.At.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1764460800000));
        Events.Change(context).ShouldBeOfType<DirectoryToRead>().Users.ShouldBe(["erin"]);
        Events.Change(Context("user_active_org", """{"userId":["gina"]}""")).ShouldBeOfType<DirectoryToRead>().Users.ShouldBe(["gina"]);
    }

    [Fact]
    public void A_user_who_left_is_deleted_each_of_several_too()
    {
        var one = Events.Change(Context("user_leave_org", """{"UserId":["bob"]}""")).ShouldBeOfType<DirectoryUserDeleted>();
        one.Id.ShouldBe("bob");
        one.FormerDepartmentIds.ShouldBeEmpty();

        var two = Events.Change(Context("user_leave_org", """{"userId":["bob","dave"]}""")).ShouldBeOfType<DirectoryChanges>();
        two.Changes.Cast<DirectoryUserDeleted>().Select(c => c.Id).ShouldBe(["bob", "dave"]);
    }

    [Fact]
    public void Departments_created_or_changed_are_read_again_and_removed_ones_marked_deleted_with_the_root_as_0()
    {
        Events.Change(Context("org_dept_create", """{"DeptId":[1, 5]}""")).ShouldBeOfType<DirectoryToRead>().Departments.ShouldBe(["0", "5"]);
        Events.Change(Context("org_dept_modify", """{"deptId":["7"]}""")).ShouldBeOfType<DirectoryToRead>().Departments.ShouldBe(["7"]);

        var removed = Events.Change(Context("org_dept_remove", """{"DeptId":[7]}""")).ShouldBeOfType<DirectoryDepartmentShown>().Department;
        removed.Id.ShouldBe("7");
        removed.Deleted.ShouldBeTrue();
        removed.Name.ShouldBeNull();
        Events.Change(Context("org_dept_remove", """{"DeptId":[7, 8]}""")).ShouldBeOfType<DirectoryChanges>().Changes.Count.ShouldBe(2);
    }

    [Fact]
    public void Other_events_are_not_contact_events_and_robot_messages_are_not_read()
    {
        var chat = Context("chat_add_member", """{"EventType":"chat_add_member","CorpId":"dingcorp","UserId":["erin"]}""");
        var head = Events.Head(chat).ShouldNotBeNull();
        head.IsContact.ShouldBeFalse();
        head.TenantKey.ShouldBeNull();
        Events.Change(chat).ShouldBeNull();

        Events.Head(Context(null, """{"msgId":"m1","text":{"content":"hi"}}""", DingTalkIngest.RobotMessageType)).ShouldBeNull();

        // An event naming no one changes nothing.
        Events.Change(Context("user_add_org", """{"UserId":[]}""")).ShouldBeNull();
        Events.Change(Context("org_dept_create", """{"DeptId":["x"]}""")).ShouldBeNull();
    }

    private static InboxEvent Stored(InboxTransport transport, string body) =>
        new() { Id = 1, AppName = "dt-dir", EventType = DingTalkIngest.EventTypePrefix + "user_add_org", Transport = transport, Body = System.Text.Encoding.UTF8.GetBytes(body.Trim()) };

    private static InboxEventContext Context(string? eventType, string json, string? storedType = null) =>
        new(1, "dt-dir", ChannelPlatform.DingTalk, storedType ?? DingTalkIngest.EventTypePrefix + eventType, "dt:key:evt:1", null, DateTimeOffset.UnixEpoch, JsonElement.Parse(json));
}
