using System.Text.Json;
using Larkway.Feishu.Events.Models.Cards;

namespace Larkway.Feishu.Events.Tests.Models;

public sealed class CardActionResponseTests
{
    [Fact]
    public void Empty_response_is_an_empty_object() =>
        Assert.Equal("{}", CardActionResponse.Empty.ToJson());

    [Theory]
    [InlineData(CardToastType.Info, "info")]
    [InlineData(CardToastType.Success, "success")]
    [InlineData(CardToastType.Error, "error")]
    [InlineData(CardToastType.Warning, "warning")]
    public void Toast_types_are_lowercase_on_the_wire(CardToastType type, string wire) =>
        Assert.Equal("{\"toast\":{\"type\":\"" + wire + "\",\"content\":\"x\"}}", CardActionResponse.WithToast(type, "x").ToJson());

    [Fact]
    public void Toast_with_i18n_and_raw_card()
    {
        using var card = JsonDocument.Parse("""{"schema":"2.0","body":{"elements":[]}}""");
        var response = CardActionResponse
            .WithToast(CardToastType.Success, "OK", new Dictionary<string, string> { ["zh_cn"] = "成功", ["en_us"] = "OK" })
            .AndRawCard(card.RootElement.Clone());

        using var json = JsonDocument.Parse(response.ToUtf8Json());
        var root = json.RootElement;
        Assert.Equal("success", root.GetProperty("toast").GetProperty("type").GetString());
        Assert.Equal("成功", root.GetProperty("toast").GetProperty("i18n").GetProperty("zh_cn").GetString());
        Assert.Equal("raw", root.GetProperty("card").GetProperty("type").GetString());
        Assert.Equal("2.0", root.GetProperty("card").GetProperty("data").GetProperty("schema").GetString());
    }

    [Fact]
    public void Template_card()
    {
        using var vars = JsonDocument.Parse("""{"name":"Ada","count":3}""");
        var response = CardActionResponse.WithTemplateCard("AAqk1234", vars.RootElement.Clone(), "1.0.0");

        Assert.Equal(
            """{"card":{"type":"template","data":{"template_id":"AAqk1234","template_variable":{"name":"Ada","count":3},"template_version_name":"1.0.0"}}}""",
            response.ToJson());
    }

    [Fact]
    public void Template_card_without_optional_parts_omits_them() =>
        Assert.Equal("""{"card":{"type":"template","data":{"template_id":"AAqk1234"}}}""", CardActionResponse.WithTemplateCard("AAqk1234").ToJson());

    [Fact]
    public void Template_id_is_required() =>
        Assert.Throws<ArgumentException>(() => CardActionResponse.WithTemplateCard(""));
}
