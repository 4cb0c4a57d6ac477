using System.Text.Json.Nodes;

namespace Larkway.Feishu.Tests.Cards;

internal static class JsonAssert
{
    /// <summary>Asserts structural equality (property order ignored), showing both documents on failure.</summary>
    public static void Equal(string expected, JsonNode? actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(expectedNode, actual), $"Expected {expectedNode?.ToJsonString()}\nActual   {actual?.ToJsonString()}");
    }
}
