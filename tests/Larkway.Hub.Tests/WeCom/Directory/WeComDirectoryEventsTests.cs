using System.Xml;
using Larkway.Channels.Messages;
using Larkway.Hub.Directory;
using Larkway.Hub.Inbox;
using Larkway.Hub.WeCom;
using Larkway.Hub.WeCom.Directory;

namespace Larkway.Hub.Tests.WeCom.Directory;

/// <summary>
/// WeCom's change_contact callbacks as the directory reads them, from the stored callback (its XML as JSON): a created
/// member with every field WeCom sent, an update that names only what it carried (the rest left alone), deletions, and
/// departments with the root 1 as the directory's 0. The XML follows WeCom's documented examples (通讯录回调通知).
/// </summary>
public sealed class WeComDirectoryEventsTests
{
    private static readonly WeComDirectoryEvents Events = new();

    [Fact]
    public void A_created_member_shows_every_field_WeCom_sent()
    {
        var context = Context("""
            <ChangeType>create_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Name><![CDATA[张三]]></Name>
            <Department><![CDATA[1,2,3]]></Department><MainDepartment>1</MainDepartment><IsLeaderInDept><![CDATA[1,0,0]]></IsLeaderInDept>
            <DirectLeader><![CDATA[lisi,wangwu]]></DirectLeader><Position><![CDATA[产品经理]]></Position><Mobile>13800000000</Mobile><Gender>1</Gender>
            <Email><![CDATA[zhangsan@gzdev.com]]></Email><BizMail><![CDATA[zhangsan@corp.example.com]]></BizMail><Status>1</Status>
            <Avatar><![CDATA[http://wx.qlogo.cn/mmopen/a/0]]></Avatar><Alias><![CDATA[zs]]></Alias>
            """);

        var head = Events.Head(context).ShouldNotBeNull();
        head.Type.ShouldBe("change_contact.create_user");
        head.IsContact.ShouldBeTrue();
        head.TenantKey.ShouldBe("wwcorp");
        head.At.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1403610513));

        var user = Events.Change(context).ShouldBeOfType<DirectoryUserShown>().User;
        user.Id.ShouldBe("zhangsan");
        user.UserId.ShouldBe("zhangsan");
        user.Name.ShouldBe("张三");
        user.DepartmentIds.ShouldBe(["0", "2", "3"]);
        user.LeaderId.ShouldBe("lisi");
        user.Mobile.ShouldBe("13800000000");
        user.Email.ShouldBe("zhangsan@gzdev.com");
        user.EnterpriseEmail.ShouldBe("zhangsan@corp.example.com");
        user.AvatarUrl.ShouldBe("http://wx.qlogo.cn/mmopen/a/0");
        user.Status.ShouldBe(PersonStatus.Active);
        user.Changed.ShouldBeNull();
    }

    [Fact]
    public void An_update_shows_only_what_it_carried_and_names_it_changed()
    {
        var user = Events.Change(Context("<ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><Mobile>13900000000</Mobile><Status>5</Status>"))
            .ShouldBeOfType<DirectoryUserShown>().User;

        user.Mobile.ShouldBe("13900000000");
        user.Status.ShouldBe(PersonStatus.Resigned);
        user.Name.ShouldBeNull();
        user.Email.ShouldBeNull();
        user.DepartmentIds.ShouldBeNull();
        user.LeaderId.ShouldBeNull();
        user.Changed.ShouldNotBeNull().Order(StringComparer.Ordinal).ShouldBe(new[] { DirectoryRules.Mobile, DirectoryRules.Status });
    }

    [Fact]
    public void A_new_userid_deletes_the_old_account_and_reads_the_new_one_and_a_deleted_member_is_deleted()
    {
        var renamed = Events.Change(Context("<ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID><NewUserID><![CDATA[zhangsan2]]></NewUserID>"))
            .ShouldBeOfType<DirectoryChanges>();
        renamed.Changes[0].ShouldBeOfType<DirectoryUserDeleted>().Id.ShouldBe("zhangsan");
        renamed.Changes[1].ShouldBeOfType<DirectoryToRead>().Users.ShouldBe(["zhangsan2"]);

        var deleted = Events.Change(Context("<ChangeType>delete_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID>")).ShouldBeOfType<DirectoryUserDeleted>();
        deleted.Id.ShouldBe("zhangsan");
        deleted.FormerDepartmentIds.ShouldBeEmpty();
    }

    [Fact]
    public void Departments_are_created_updated_by_what_changed_and_deleted()
    {
        var created = Events.Change(Context("<ChangeType>create_party</ChangeType><Id>2</Id><Name><![CDATA[研发部]]></Name><ParentId><![CDATA[1]]></ParentId><Order>1</Order>"))
            .ShouldBeOfType<DirectoryDepartmentShown>().Department;
        (created.Id, created.Name, created.ParentId, created.Order, created.Deleted, created.Changed).ShouldBe(("2", "研发部", "0", 1L, false, (IReadOnlySet<string>?)null));

        var moved = Events.Change(Context("<ChangeType>update_party</ChangeType><Id>2</Id><ParentId><![CDATA[3]]></ParentId>")).ShouldBeOfType<DirectoryDepartmentShown>().Department;
        moved.ParentId.ShouldBe("3");
        moved.Name.ShouldBeNull();
        moved.Order.ShouldBeNull();
        moved.Changed.ShouldNotBeNull().ShouldBe(new[] { "parent_id" });

        var deleted = Events.Change(Context("<ChangeType>delete_party</ChangeType><Id>2</Id>")).ShouldBeOfType<DirectoryDepartmentShown>().Department;
        (deleted.Id, deleted.Deleted).ShouldBe(("2", true));
    }

    [Fact]
    public void A_tag_change_and_other_callbacks_are_no_directory_change()
    {
        var tag = Context("<ChangeType>update_tag</ChangeType><TagId>1</TagId><AddUserItems><![CDATA[zhangsan]]></AddUserItems>");
        var head = Events.Head(tag).ShouldNotBeNull();
        head.IsContact.ShouldBeFalse();
        head.TenantKey.ShouldBeNull();
        Events.Change(tag).ShouldBeNull();

        var text = new InboxEventContext(2, "wc-dir", ChannelPlatform.WeCom, WeComIngest.TextMessageType, "k", null, DateTimeOffset.UnixEpoch,
            WeComCallbackJson.Parse(Json("<xml><MsgType>text</MsgType><Content>hi</Content></xml>")));
        Events.Head(text).ShouldBeNull();
    }

    /// <summary>A change_contact callback as the Hub stores it: the decrypted XML as JSON.</summary>
    private static InboxEventContext Context(string fields) =>
        new(1, "wc-dir", ChannelPlatform.WeCom, WeComDirectoryEvents.EventType, "wc:wwcorp:1000002:evt:k", null, DateTimeOffset.UnixEpoch,
            WeComCallbackJson.Parse(Json(
                "<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime>"
                + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event>" + fields + "</xml>")));

    private static byte[] Json(string xml)
    {
        var document = new XmlDocument();
        document.LoadXml(xml);
        return WeComCallbackJson.From(document.DocumentElement!);
    }
}
