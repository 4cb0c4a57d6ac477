using System.Text.Json;
using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;

namespace Larkway.Channels.Tests.Messages;

/// <summary>
/// <see cref="ChannelPlatform"/> is open (a name, not an enum), and every form the enum it replaced was kept in reads as it did:
/// the lower-case name in dedup keys and in what the Hub stores, Feishu as the unset value, and JSON written by either form.
/// </summary>
public class ChannelPlatformTests
{
    [Fact]
    public void The_three_platforms_keep_their_stored_names_and_their_dedup_keys()
    {
        ChannelPlatform.Feishu.Name.ShouldBe("feishu");
        ChannelPlatform.DingTalk.Name.ShouldBe("dingtalk");
        ChannelPlatform.WeCom.Name.ShouldBe("wecom");
        InboundMessage.DedupKeyFor(ChannelPlatform.Feishu, "cli_1", "om_1").ShouldBe("feishu/cli_1/om_1");
        InboundMessage.DedupKeyFor(ChannelPlatform.DingTalk, "robot1", "msg1").ShouldBe("dingtalk/robot1/msg1");
        InboundMessage.DedupKeyFor(ChannelPlatform.WeCom, "1000002", "msg1").ShouldBe("wecom/1000002/msg1");
        default(ChannelPlatform).ShouldBe(ChannelPlatform.Feishu);
        DingTalkChannelAdapter.Platform.ShouldBe(ChannelPlatform.DingTalk);
        WeComChannelAdapter.Platform.ShouldBe(ChannelPlatform.WeCom);
        FeishuChannelAdapter.Platform.ShouldBe(ChannelPlatform.Feishu);
    }

    [Fact]
    public void A_platform_this_package_does_not_know_is_one_by_its_name()
    {
        var testchat = new ChannelPlatform("testchat");

        testchat.ShouldBe(new ChannelPlatform("testchat"));
        testchat.ShouldNotBe(ChannelPlatform.WeCom);
        new ChannelPlatform("dingtalk").ShouldBe(ChannelPlatform.DingTalk);
        new ChannelPlatform("dingtalk").GetHashCode().ShouldBe(ChannelPlatform.DingTalk.GetHashCode());
        testchat.ToString().ShouldBe("testchat");
        InboundMessage.DedupKeyFor(testchat, "tc-ops", "m1").ShouldBe("testchat/tc-ops/m1");
    }

    [Theory]
    [InlineData("DingTalk")]
    [InlineData("test chat")]
    [InlineData("1chat")]
    [InlineData("averyveryverylongname")]
    [InlineData("")]
    public void A_name_that_cannot_be_stored_is_refused_saying_what_a_name_is(string name) =>
        Should.Throw<ArgumentException>(() => new ChannelPlatform(name)).Message.ShouldContain("named like 'dingtalk'");

    [Fact]
    public void Json_carries_the_name_and_reads_what_the_enum_wrote()
    {
        JsonSerializer.Serialize(ChannelPlatform.DingTalk).ShouldBe("\"dingtalk\"");
        JsonSerializer.Serialize(new ChannelPlatform("testchat")).ShouldBe("\"testchat\"");
        JsonSerializer.Deserialize<ChannelPlatform>("\"wecom\"").ShouldBe(ChannelPlatform.WeCom);
        JsonSerializer.Deserialize<ChannelPlatform>("\"DingTalk\"").ShouldBe(ChannelPlatform.DingTalk);
        JsonSerializer.Deserialize<ChannelPlatform>("1").ShouldBe(ChannelPlatform.DingTalk);
        JsonSerializer.Deserialize<ChannelPlatform>("2").ShouldBe(ChannelPlatform.WeCom);
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<ChannelPlatform>("\"no such\"")).Message.ShouldContain("named like 'dingtalk'");
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<ChannelPlatform>("7")).Message.ShouldContain("a string such as");
    }
}
