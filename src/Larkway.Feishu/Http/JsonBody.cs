using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Larkway.Feishu.Http;

/// <summary>
/// JSON request bodies, serialised to UTF-8 up front so that they go out with a Content-Length.
/// </summary>
/// <remarks>
/// Not <c>JsonContent</c>: it serialises while the request is written and reports no length, so
/// HTTP/1.1 sends it chunked — which gateways in front of the platform may refuse (411), and which
/// no official SDK does. The bytes are also what a retry sends again.
/// </remarks>
internal static class JsonBody
{
    public static ByteArrayContent Create<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
