using Larkway.Feishu.Im;

namespace Larkway.Feishu.Tests.Im;

public class ReceiveIdTests
{
    [Theory]
    [InlineData("chat:oc_abc", ReceiveIdType.ChatId, "oc_abc", "chat_id")]
    [InlineData("chat_id:oc_abc", ReceiveIdType.ChatId, "oc_abc", "chat_id")]
    [InlineData("open_id:ou_abc", ReceiveIdType.OpenId, "ou_abc", "open_id")]
    [InlineData("union_id:on_abc", ReceiveIdType.UnionId, "on_abc", "union_id")]
    [InlineData("user_id:7a1b2c", ReceiveIdType.UserId, "7a1b2c", "user_id")]
    [InlineData("email:a@b.c", ReceiveIdType.Email, "a@b.c", "email")]
    [InlineData("EMAIL: alice@example.com ", ReceiveIdType.Email, "alice@example.com", "email")]
    public void Parse_reads_kind_and_value(string text, ReceiveIdType type, string value, string wire)
    {
        var id = ReceiveId.Parse(text);

        Assert.Equal(type, id.Type);
        Assert.Equal(value, id.Value);
        Assert.Equal(wire, id.WireType);
    }

    [Fact]
    public void ToString_round_trips_through_Parse()
    {
        foreach (var id in new[] { ReceiveId.Chat("oc_1"), ReceiveId.OpenId("ou_1"), ReceiveId.UnionId("on_1"), ReceiveId.UserId("u1"), ReceiveId.Email("a@b.cn") })
        {
            Assert.Equal(id, ReceiveId.Parse(id.ToString()));
        }
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("oc_abc", "has no kind")]
    [InlineData("group:oc_abc", "is not a receiver kind")]
    [InlineData("chat:", "chat_id is empty")]
    [InlineData("chat:ou_abc", "It looks like an open_id: use open_id:ou_abc")]
    [InlineData("open_id:oc_abc", "It looks like a chat id: use chat:oc_abc")]
    [InlineData("union_id:ou_abc", "union_ids start with on_")]
    [InlineData("email:not-an-email", "is not an email address")]
    [InlineData("email:a@b", "is not an email address")]
    [InlineData("email:a@@b.c", "is not an email address")]
    [InlineData("user_id:a b", "contains whitespace")]
    public void Parse_rejects_bad_input_saying_what_to_fix(string text, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => ReceiveId.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.False(ReceiveId.TryParse(text, out _));
    }

    [Fact]
    public void Factories_validate()
    {
        Assert.Throws<ArgumentException>(() => ReceiveId.Chat(""));
        Assert.Throws<ArgumentException>(() => ReceiveId.Chat("ou_x"));
        Assert.Throws<ArgumentException>(() => ReceiveId.OpenId("on_x"));
        Assert.Throws<ArgumentException>(() => ReceiveId.Email("bob"));
        Assert.Equal("oc_x", ReceiveId.Chat("oc_x").Value);
    }

    [Fact]
    public void TryParse_of_null_is_false()
    {
        Assert.False(ReceiveId.TryParse(null, out var id));
        Assert.Equal(default, id);
    }
}
