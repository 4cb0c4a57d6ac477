using System.Text;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.App;
using Larkway.Feishu.Events.Models.Approval;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Chats;
using Larkway.Feishu.Events.Models.Contact;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Feishu.Events.Tests.TestSupport;

namespace Larkway.Feishu.Events.Tests.Models;

/// <summary>Events shaped like the examples of the official documentation of each event.</summary>
public sealed class DocShapedEventTests
{
    private static FeishuEvent ParseV2(string eventType, string eventJson) =>
        FeishuEventParser.Parse(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(
            ("""{"schema":"2.0","header":{"event_id":"5e3702a84e847582be8db7fb73283c02","event_type":""" + "\"" + eventType + "\"" + ""","create_time":"1608725989000","token":"rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV","app_id":"cli_9f5343c580712544","tenant_key":"2ca1d211f64f6438"},"event":""" + eventJson + """}"""))));

    private static (FeishuEventEnvelope Envelope, FeishuEvent Event) ParseV1(string eventJson)
    {
        var env = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(
            ("""{"ts":"1502199207.7171419","uuid":"bc447199585340d1f3728d26b1c0297a","token":"41a9425ea7df4536a7623e38fa321bae","type":"event_callback","event":""" + eventJson + """}""")));
        return (env, FeishuEventParser.Parse(env));
    }

    private const string Ids = """{"union_id":"on_8ed6aa67826108097d9ee143816345","user_id":"e33ggbyz","open_id":"ou_84aad35d084aa403a838cf73ee18467"}""";

    [Fact]
    public void Message_read()
    {
        var e = Assert.IsType<MessageReadEvent>(ParseV2(MessageReadEvent.Type,
            ("""{"reader":{"reader_id":""" + Ids + ""","read_time":"1609484183000","tenant_key":"736588c9260f175e"},"message_id_list":["om_dc13264520392913993dd051dba21dcf"]}""")));

        Assert.Equal("ou_84aad35d084aa403a838cf73ee18467", e.Reader?.ReaderId?.OpenId);
        Assert.Equal("1609484183000", e.Reader?.ReadTime);
        Assert.Equal(["om_dc13264520392913993dd051dba21dcf"], e.MessageIdList);
    }

    [Theory]
    [InlineData(MessageReactionCreatedEvent.Type)]
    [InlineData(MessageReactionDeletedEvent.Type)]
    public void Reaction_created_and_deleted(string type)
    {
        var e = ParseV2(type,
            ("""{"message_id":"om_dc1326","reaction_type":{"emoji_type":"SMILE"},"operator_type":"user","user_id":""" + Ids + ""","app_id":"cli_9f53","action_time":"1627641418803"}"""));

        var reaction = Assert.IsAssignableFrom<MessageReactionEvent>(e);
        Assert.Equal(type, reaction.EventType);
        Assert.Equal(type == MessageReactionCreatedEvent.Type ? typeof(MessageReactionCreatedEvent) : typeof(MessageReactionDeletedEvent), e.GetType());
        Assert.Equal("om_dc1326", reaction.MessageId);
        Assert.Equal("SMILE", reaction.ReactionType?.EmojiType);
        Assert.Equal("user", reaction.OperatorType);
        Assert.Equal("e33ggbyz", reaction.UserId?.UserId);
        Assert.Equal("1627641418803", reaction.ActionTime);
    }

    [Fact]
    public void User_added_to_chat()
    {
        var e = Assert.IsType<ChatUserAddedEvent>(ParseV2(ChatUserAddedEvent.Type,
            ("""{"chat_id":"oc_413871888e0d5492e25b173f0812efb7","operator_id":""" + Ids + ""","external":false,"operator_tenant_key":"3774yuu3743","users":[{"name":"user name","tenant_key":"3774yuu3743","user_id":""" + Ids + """}],"name":"群名称测试","i18n_names":{"zh_cn":"群聊","en_us":"group chat","ja_jp":"グループチャット"}}""")));

        Assert.Equal("oc_413871888e0d5492e25b173f0812efb7", e.ChatId);
        Assert.False(e.External);
        Assert.Equal("3774yuu3743", e.OperatorTenantKey);
        var user = Assert.Single(e.Users);
        Assert.Equal("user name", user.Name);
        Assert.Equal("ou_84aad35d084aa403a838cf73ee18467", user.UserId?.OpenId);
        Assert.Equal("群名称测试", e.Name);
        Assert.Equal("group chat", e.I18nNames?.EnUs);
        Assert.Equal("グループチャット", e.I18nNames?.JaJp);
    }

    [Theory]
    [InlineData(ChatUserDeletedEvent.Type, typeof(ChatUserDeletedEvent))]
    [InlineData(ChatBotAddedEvent.Type, typeof(ChatBotAddedEvent))]
    [InlineData(ChatBotDeletedEvent.Type, typeof(ChatBotDeletedEvent))]
    [InlineData(ChatDisbandedEvent.Type, typeof(ChatDisbandedEvent))]
    public void Other_chat_events(string type, Type model)
    {
        var e = ParseV2(type,
            ("""{"chat_id":"oc_9e9619b938c9571c1c3165681cdaead5","operator_id":""" + Ids + ""","external":true,"operator_tenant_key":"86gwe65","name":"测试群","i18n_names":{"zh_cn":"测试群"}}"""));

        Assert.IsType(model, e);
        var chat = Assert.IsAssignableFrom<ChatEvent>(e);
        Assert.Equal(type, chat.EventType);
        Assert.Equal("oc_9e9619b938c9571c1c3165681cdaead5", chat.ChatId);
        Assert.True(chat.External);
        Assert.Equal("ou_84aad35d084aa403a838cf73ee18467", chat.OperatorId?.OpenId);
        Assert.Equal("测试群", chat.I18nNames?.ZhCn);
    }

    [Fact]
    public void Card_action_trigger_from_the_signature_vector()
    {
        var body = SharedVectors.ById(SharedVectors.Signature, "event_signature_vectors", "gen-card-action-trigger-new").Str("raw_body");
        var e = Assert.IsType<CardActionTriggerEvent>(FeishuEventParser.Parse(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(body))));

        Assert.Equal("ou_3c14f3a59eaf2825dbe25359f15*****", e.Operator?.OpenId);
        Assert.Equal("on_cad4860e7af114fb4ff6c5d496d*****", e.Operator?.UnionId);
        Assert.Equal("c-295ee57216a5dc9de90fefd0aadb4b1d7d******", e.Token);
        Assert.Equal("button", e.Action.Tag);
        Assert.Equal("Asia/Shanghai", e.Action.Timezone);
        Assert.Equal("Button_lvkepfu3", e.Action.Name);
        Assert.Equal("value", e.Action.Value?.GetProperty("key").GetString());
        Assert.Equal("1234", e.Action.FormValue?.GetProperty("Input_lf4fmxwfrd9").GetString());
        Assert.Equal(2, e.Action.FormValue?.GetProperty("field name1").GetArrayLength());
        Assert.Equal("im_message", e.Host);
        Assert.Equal("url_preview", e.DeliveryType);
        Assert.Equal("om_574d639e4a44e4dd646eaf628e2*****", e.Context?.OpenMessageId);
        Assert.Equal("oc_e4d2605ca917e695f54f11aaf56*****", e.Context?.OpenChatId);
        Assert.Equal("xxx", e.Context?.PreviewToken);
    }

    [Fact]
    public void Card_action_select_and_checker_fields()
    {
        var e = Assert.IsType<CardActionTriggerEvent>(ParseV2(CardActionTriggerEvent.Type,
            """{"operator":{"open_id":"ou_x"},"token":"c-1","action":{"value":"plain","tag":"multi_select_static","option":"a","options":["a","b"],"checked":true,"input_value":"typed"},"context":{"open_message_id":"om_1","open_chat_id":"oc_1"}}"""));

        Assert.Equal("plain", e.Action.Value?.GetString());
        Assert.Equal("a", e.Action.Option);
        Assert.Equal(["a", "b"], e.Action.Options!);
        Assert.True(e.Action.Checked);
        Assert.Equal("typed", e.Action.InputValue);
    }

    [Fact]
    public void Legacy_card_action_from_the_signature_vector()
    {
        var body = SharedVectors.ById(SharedVectors.Signature, "card_v1_signature_vectors", "gen-old-card-doc-payload").Str("raw_body");
        var e = Assert.IsType<LegacyCardActionEvent>(FeishuEventParser.Parse(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(body))));

        Assert.Equal("ou_sdfimx9948345", e.OpenId);
        Assert.Equal("eu_sd923r0sdf5", e.UserId);
        Assert.Equal("om_abcdefg1234567890", e.OpenMessageId);
        Assert.Equal("d32004232", e.TenantKey);
        Assert.Equal("c-xxxxx", e.Token);
        Assert.Equal("button", e.Action.Tag);
        Assert.Equal("value2", e.Action.FormValue?.GetProperty("field name2").GetString());
    }

    [Fact]
    public void Approval_instance_v1()
    {
        var (env, e) = ParseV1("""{"app_id":"cli_xxx","tenant_key":"xxx","type":"approval_instance","approval_code":"7C468A54-8745-2245-9675-08B7C63E7A85","instance_code":"81D31358-93AF-92D6-7425-01A5D67C4E71","status":"PENDING","operate_time":"1666079207003","instance_operate_time":"1666079207003","uuid":"6525bffb"}""");
        var instance = Assert.IsType<ApprovalInstanceEvent>(e);

        Assert.Equal("bc447199585340d1f3728d26b1c0297a", env.DedupKey);
        Assert.Equal("cli_xxx", env.AppId);
        Assert.Equal("7C468A54-8745-2245-9675-08B7C63E7A85", instance.ApprovalCode);
        Assert.Equal("81D31358-93AF-92D6-7425-01A5D67C4E71", instance.InstanceCode);
        Assert.Equal("PENDING", instance.Status);
        Assert.Equal("1666079207003", instance.OperateTime);
        Assert.Equal("6525bffb", instance.Uuid);
    }

    [Fact]
    public void Approval_instance_reverted_has_a_numeric_operate_time()
    {
        var (_, e) = ParseV1("""{"app_id":"cli_xxx","tenant_key":"xxx","type":"approval_instance","approval_code":"A","instance_code":"B","status":"REVERTED","operate_time":1666079207003}""");
        Assert.Equal("1666079207003", Assert.IsType<ApprovalInstanceEvent>(e).OperateTime);
    }

    [Fact]
    public void Approval_task_v1()
    {
        var (_, e) = ParseV1("""{"app_id":"cli_xxx","open_id":"ou_123456","tenant_key":"xxx","type":"approval_task","approval_code":"7C468A54","instance_code":"81D31358","task_id":"12345","user_id":"b613t51g","status":"PENDING","operate_time":"1502199207000","custom_key":"xxx","def_key":"yyy","extra":"{\"rollback_node_ids\":[\"nodeid\"]}"}""");
        var task = Assert.IsType<ApprovalTaskEvent>(e);

        Assert.Equal("ou_123456", task.OpenId);
        Assert.Equal("b613t51g", task.UserId);
        Assert.Equal("12345", task.TaskId);
        Assert.Equal("PENDING", task.Status);
        Assert.Equal("yyy", task.DefKey);
        Assert.Contains("rollback_node_ids", task.Extra, StringComparison.Ordinal);
    }

    [Fact]
    public void Approval_definition_updated_v4()
    {
        var e = Assert.IsType<ApprovalUpdatedEvent>(ParseV2(ApprovalUpdatedEvent.Type,
            """{"object":{"approval_id":"74333067777841234","approval_code":"5B43240B-848C-49BD-9D27-11EF0EE11234","version_id":"7459343285667611234","widget_group_type":0,"form_definition_id":"7459341670005371234","process_obj":"{\"lineList\": 1}","timestamp":"1736763698","extra":""}}"""));

        Assert.Equal("5B43240B-848C-49BD-9D27-11EF0EE11234", e.Object?.ApprovalCode);
        Assert.Equal("7459343285667611234", e.Object?.VersionId);
        Assert.Equal(0, e.Object?.WidgetGroupType);
        Assert.Equal("1736763698", e.Object?.Timestamp);
    }

    [Fact]
    public void Approval_updated_header_with_event_create_time_in_seconds()
    {
        var env = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(
            """{"schema":"2.0","header":{"event_id":"b53e","token":"t","event_type":"approval.approval.updated_v4","app_id":"cli_xxx","tenant_key":"d6ae","event_create_time":"1502199207.7171419"},"event":{"object":{"timestamp":1736763698}}}"""));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_502_199_207_717), env.CreateTime);
        Assert.Equal("1736763698", Assert.IsType<ApprovalUpdatedEvent>(FeishuEventParser.Parse(env)).Object?.Timestamp);
    }

    [Fact]
    public void Contact_user_created_updated_deleted()
    {
        const string user = """{"open_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62","union_id":"on_576833b917gda3d939b9a3c2d53e72c8","user_id":"e33ggbyz","name":"张三","en_name":"San Zhang","email":"zhangsan@gmail.com","mobile":"+8613000000000","gender":1,"avatar":{"avatar_72":"https://a/72","avatar_240":"https://a/240","avatar_640":"https://a/640","avatar_origin":"https://a/o"},"status":{"is_frozen":false,"is_resigned":false,"is_activated":true,"is_exited":false,"is_unjoin":false},"department_ids":["od-4e6ac4d14bcd5071a37a39de902c7141"],"leader_user_id":"ou_3ghm8a2u0eftg0ff377125s5dd275z09","city":"杭州","country":"中国","work_station":"杭州","join_time":1615381702,"is_tenant_manager":false,"employee_no":"e33ggbyz","employee_type":1,"orders":[{"department_id":"od-4e6ac4d14bcd5071a37a39de902c7141","user_order":100,"department_order":100,"is_primary_dept":true}],"time_zone":"Asia/Shanghai","custom_attrs":[{"type":"TEXT","id":"DemoId","value":{"text":"DemoText"}}],"job_level_id":"mga5oa8ayjlp9rb","job_family_id":"mga5oa8ayjlp9rb","dotted_line_leader_user_ids":["ou_7dab8a3d3cdcc9da365777c7ad535d62"]}""";

        var created = Assert.IsType<ContactUserCreatedEvent>(ParseV2(ContactUserCreatedEvent.Type, ("""{"object":""" + user + """}""")));
        Assert.Equal("张三", created.Object.Name);
        Assert.Equal("https://a/72", created.Object.Avatar?.Avatar72);
        Assert.True(created.Object.Status?.IsActivated);
        Assert.Equal(1_615_381_702, created.Object.JoinTime);
        Assert.True(created.Object.Orders?[0].IsPrimaryDept);
        Assert.Equal(1, created.Object.EmployeeType);
        Assert.Equal("DemoId", created.Object.CustomAttrs?[0].GetProperty("id").GetString());

        var updated = Assert.IsType<ContactUserUpdatedEvent>(ParseV2(ContactUserUpdatedEvent.Type, ("""{"object":""" + user + ""","old_object":{"department_ids":["od-old"],"open_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62"}}""")));
        Assert.Equal(["od-old"], updated.OldObject?.DepartmentIds!);

        var deleted = Assert.IsType<ContactUserDeletedEvent>(ParseV2(ContactUserDeletedEvent.Type, ("""{"object":""" + user + ""","old_object":{"department_ids":["od-old"],"open_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62"}}""")));
        Assert.Equal("ou_7dab8a3d3cdcc9da365777c7ad535d62", deleted.Object.OpenId);
        Assert.Equal("ou_7dab8a3d3cdcc9da365777c7ad535d62", deleted.OldObject?.OpenId);
        Assert.Equal(["od-old"], deleted.FormerDepartmentIds);
    }

    [Fact]
    public void A_deleted_users_departments_are_read_from_old_object_as_the_docs_show_it()
    {
        // As documented: the deleted user's object lists no departments; old_object has them and the open_id.
        var deleted = Assert.IsType<ContactUserDeletedEvent>(ParseV2(ContactUserDeletedEvent.Type,
            """{"object":{"open_id":"ou_9","name":"Li Si","status":{"is_resigned":true},"department_ids":[]},"old_object":{"department_ids":["od-a","od-b"],"open_id":"ou_9"}}"""));

        Assert.True(deleted.Object.Status?.IsResigned);
        Assert.Empty(deleted.Object.DepartmentIds!);
        Assert.Equal(["od-a", "od-b"], deleted.FormerDepartmentIds);
        Assert.Empty(Assert.IsType<ContactUserDeletedEvent>(ParseV2(ContactUserDeletedEvent.Type, """{"object":{"open_id":"ou_9"}}""")).FormerDepartmentIds);
    }

    [Fact]
    public void Contact_scope_updated_carries_added_and_removed_departments_users_and_groups()
    {
        // The shape of the documented example (values changed): scope departments have order as a string and member counts.
        const string added = """
            {"departments":[{"name":"Demo","i18n_name":{"zh_cn":"演示","ja_jp":"デモ","en_us":"Demo"},"parent_department_id":"D067","department_id":"D096",
                             "open_department_id":"od-4e6a","leader_user_id":"ou_7dab","chat_id":"oc_5ad1","order":"100","unit_ids":["u1"],"member_count":100,
                             "status":{"is_deleted":false},"leaders":[{"leaderType":1,"leaderID":"ou_7dab"}],"group_chat_employee_types":[1,2,3],"primary_member_count":90}],
             "users":[{"union_id":"on_94a1","user_id":"3e3c","open_id":"ou_7dab","name":"Zhang San","en_name":"San Zhang","nickname":"Alex","email":"zs@example.com",
                       "mobile":"130xxxx1111","gender":1,"status":{"is_frozen":false,"is_resigned":false,"is_activated":true,"is_exited":false,"is_unjoin":false},
                       "leader_user_id":"ou_boss","city":"Hangzhou","country":"CN","work_station":"N-H34","join_time":2147483647,"employee_no":"1","employee_type":1,
                       "custom_attrs":[{"type":"TEXT","id":"DemoId","value":{"text":"DemoText"}}],"enterprise_email":"demo@mail.com","job_title":"xxxxx",
                       "is_frozen":false,"job_level_id":"mga5","job_family_id":"mga6","subscription_ids":["7179"],
                       "assign_info":[{"subscription_id":"7079","start_time":"1674981000"}],"department_path":[{"department_id":"od-4e6a"}]}],
             "user_groups":[{"user_group_id":"test","name":"Test group","type":1,"member_count":10,"status":1}]}
            """;
        var e = Assert.IsType<ContactScopeUpdatedEvent>(ParseV2(ContactScopeUpdatedEvent.Type,
            """{"added":""" + added + ""","removed":{"departments":[],"users":[{"open_id":"ou_gone"}],"user_groups":[]}}"""));

        var department = Assert.Single(e.Added!.Departments!);
        Assert.Equal(("od-4e6a", "D096", 100L, 100, 90), (department.OpenDepartmentId, department.DepartmentId, department.Order!.Value, department.MemberCount!.Value, department.PrimaryMemberCount!.Value));
        Assert.Equal("演示", department.I18nName?.ZhCn);
        Assert.Equal([1, 2, 3], department.GroupChatEmployeeTypes!);
        Assert.Equal(("ou_7dab", 1), (department.Leaders![0].LeaderId, department.Leaders[0].LeaderType!.Value));
        var user = Assert.Single(e.Added.Users!);
        Assert.Equal(("ou_7dab", "Zhang San", 2147483647L, false), (user.OpenId, user.Name, user.JoinTime!.Value, user.IsFrozen!.Value));
        Assert.Equal(["7179"], user.SubscriptionIds!);
        Assert.Equal(new ContactUserGroup { UserGroupId = "test", Name = "Test group", Type = 1, MemberCount = 10, Status = 1 }, Assert.Single(e.Added.UserGroups!));
        Assert.Equal("ou_gone", Assert.Single(e.Removed!.Users!).OpenId);
        Assert.Empty(e.Removed.Departments!);
    }

    [Fact]
    public void Contact_scope_updated_with_only_one_side_leaves_the_other_null()
    {
        var e = Assert.IsType<ContactScopeUpdatedEvent>(ParseV2(ContactScopeUpdatedEvent.Type, """{"removed":{"user_groups":[{"user_group_id":"g1"}]}}"""));

        Assert.Null(e.Added);
        Assert.Equal("g1", Assert.Single(e.Removed!.UserGroups!).UserGroupId);
        Assert.Null(e.Removed.Users);
    }

    [Fact]
    public void Contact_department_created_updated_deleted()
    {
        const string dept = """{"name":"测试部门","parent_department_id":"0","department_id":"yd1234","open_department_id":"od-4e6ac4d14bcd5071a37a39de902c7141","leader_user_id":"ou_7dab8a3d3cdcc9da365777c7ad535d62","chat_id":"oc_5ad11d72b830411d72b836c20","order":100,"status":{"is_deleted":false},"leaders":[{"leaderType":1,"leaderID":"ou_7dab8a3d3cdcc9da365777c7ad535d62"}],"department_hrbps":[{"union_id":"on_1","user_id":"u_1","open_id":"ou_1"}]}""";

        var created = Assert.IsType<ContactDepartmentCreatedEvent>(ParseV2(ContactDepartmentCreatedEvent.Type, ("""{"object":""" + dept + """}""")));
        Assert.Equal("测试部门", created.Object.Name);
        Assert.Equal("od-4e6ac4d14bcd5071a37a39de902c7141", created.Object.OpenDepartmentId);
        Assert.Equal(100, created.Object.Order);
        Assert.Equal(1, created.Object.Leaders?[0].LeaderType);
        Assert.Equal("ou_7dab8a3d3cdcc9da365777c7ad535d62", created.Object.Leaders?[0].LeaderId);
        Assert.Equal("ou_1", created.Object.DepartmentHrbps?[0].OpenId);

        var updated = Assert.IsType<ContactDepartmentUpdatedEvent>(ParseV2(ContactDepartmentUpdatedEvent.Type, ("""{"object":""" + dept + ""","old_object":{"name":"旧名","open_department_id":"od-4e6ac4d14bcd5071a37a39de902c7141"}}""")));
        Assert.Equal("旧名", updated.OldObject?.Name);

        var deleted = Assert.IsType<ContactDepartmentDeletedEvent>(ParseV2(ContactDepartmentDeletedEvent.Type, ("""{"object":""" + dept + ""","old_object":{"status":{"is_deleted":true},"open_department_id":"od-4e6ac4d14bcd5071a37a39de902c7141"}}""")));
        Assert.True(deleted.OldObject?.Status?.IsDeleted);
    }

    [Fact]
    public void App_ticket_v1()
    {
        var (env, e) = ParseV1("""{"app_id":"cli_xxx","app_ticket":"xxx_ticket","type":"app_ticket"}""");
        var ticket = Assert.IsType<AppTicketEvent>(e);

        Assert.Equal(FeishuEnvelopeKind.V1, env.Kind);
        Assert.Equal("app_ticket", env.EventType);
        Assert.Equal("cli_xxx", ticket.AppId);
        Assert.Equal("xxx_ticket", ticket.AppTicket);
    }

    [Fact]
    public void Drive_file_edited_names_the_document_and_everyone_who_edited_it()
    {
        var e = Assert.IsType<Larkway.Feishu.Events.Models.Drive.DriveFileEditedEvent>(ParseV2("drive.file.edit_v1",
            ("""{"file_token":"doxcnLNx3ZEEWpGvvVhaTYUmGfd","file_type":"docx","operator_id_list":[""" + Ids + """],"subscriber_id_list":[""" + Ids + "]}")));

        Assert.Equal("doxcnLNx3ZEEWpGvvVhaTYUmGfd", e.FileToken);
        Assert.Equal("docx", e.FileType);
        Assert.Equal("ou_84aad35d084aa403a838cf73ee18467", Assert.Single(e.OperatorIdList!).OpenId);
        Assert.Single(e.SubscriberIdList!);
    }

    [Fact]
    public void Drive_file_title_updated_trashed_and_deleted_carry_one_operator()
    {
        var renamed = Assert.IsType<Larkway.Feishu.Events.Models.Drive.DriveFileTitleUpdatedEvent>(ParseV2("drive.file.title_updated_v1",
            ("""{"file_token":"doxcnA","file_type":"docx","operator_id":""" + Ids + "}")));
        var trashed = Assert.IsType<Larkway.Feishu.Events.Models.Drive.DriveFileTrashedEvent>(ParseV2("drive.file.trashed_v1",
            ("""{"file_token":"doxcnB","file_type":"docx","operator_id":""" + Ids + "}")));
        var deleted = Assert.IsType<Larkway.Feishu.Events.Models.Drive.DriveFileDeletedEvent>(ParseV2("drive.file.deleted_v1",
            ("""{"file_token":"doxcnC","file_type":"docx","operator_id":""" + Ids + "}")));

        Assert.Equal(("doxcnA", "e33ggbyz"), (renamed.FileToken, renamed.OperatorId?.UserId));
        Assert.Equal("doxcnB", trashed.FileToken);
        Assert.Equal("doxcnC", deleted.FileToken);
    }

    [Fact]
    public void Drive_permission_member_added_lists_users_chats_and_departments()
    {
        var e = Assert.IsType<Larkway.Feishu.Events.Models.Drive.DrivePermissionMemberAddedEvent>(ParseV2("drive.file.permission_member_added_v1",
            ("""{"file_token":"doxcnD","file_type":"docx","operator_id":""" + Ids + ""","user_list":[""" + Ids + """],"chat_list":["oc_1"],"open_department_id_list":["od-1"]}""")));

        Assert.Single(e.UserList!);
        Assert.Equal(["oc_1"], e.ChatList);
        Assert.Equal(["od-1"], e.OpenDepartmentIdList);
    }

    [Fact]
    public void Unknown_v2_type_keeps_raw_event()
    {
        var e = Assert.IsType<UnknownEvent>(ParseV2("drive.file.read_v1", """{"file_token":"doccn123","operator_id_list":[{"open_id":"ou_1"}]}"""));

        Assert.Equal("drive.file.read_v1", e.EventType);
        Assert.Equal("doccn123", e.Raw.GetProperty("file_token").GetString());
    }

    [Fact]
    public void Known_type_with_wrong_field_type_is_malformed_without_values_in_the_message()
    {
        var ex = Assert.Throws<FeishuEventException>(() => ParseV2(MessageReceivedEvent.Type, """{"sender":{},"message":{"message_id":{"secret":"s3cr3t"}}}"""));

        Assert.Equal(FeishuEventErrorReason.Malformed, ex.Reason);
        Assert.Contains("message_id", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_types_list_matches_the_parser()
    {
        foreach (var type in FeishuEventParser.KnownTypes)
        {
            Assert.IsNotType<UnknownEvent>(FeishuEventParser.Parse(type, System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone()));
        }

        Assert.Equal(30, FeishuEventParser.KnownTypes.Count);
    }
}
