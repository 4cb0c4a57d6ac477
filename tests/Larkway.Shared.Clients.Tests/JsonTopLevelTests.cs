using System.Text;
using Larkway.Shared.Clients;

namespace Larkway.Shared.Clients.Tests;

public sealed class JsonTopLevelTests
{
    [Fact]
    public void Top_level_strings_and_numbers_are_read_as_written_and_nested_fields_are_skipped()
    {
        var body = Encoding.UTF8.GetBytes("""{"data":{"errcode":1},"errcode":40014,"list":[{"errmsg":"no"}],"errmsg":"invalid access_token","ok":true}""");
        var values = new string?[3];

        JsonTopLevel.TryReadScalars(body, ["errcode", "errmsg", "ok"], values).ShouldBeTrue();

        values.ShouldBe(["40014", "invalid access_token", null]);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("[1,2]")]
    [InlineData("{\"errcode\":400")]
    [InlineData("")]
    public void A_body_that_is_not_a_json_object_reads_as_nothing(string text)
    {
        var values = new string?[] { "stale" };

        JsonTopLevel.TryReadScalars(Encoding.UTF8.GetBytes(text), ["errcode"], values).ShouldBeFalse();

        values[0].ShouldBeNull();
    }
}
