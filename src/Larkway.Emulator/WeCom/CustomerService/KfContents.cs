using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Platform;

namespace Larkway.Emulator.WeCom.CustomerService;

/// <summary>
/// The fields of a customer's non-text message as sync_msg documents them (document 94670): what a test leaves out of a
/// known kind is filled in, so the app sees the shape WeCom sends; other kinds pass through as given.
/// </summary>
internal static class KfContents
{
    public static JsonObject Filled(string type, JsonObject given)
    {
        foreach (var (name, value) in Defaults(type))
        {
            if (!given.ContainsKey(name))
            {
                given[name] = value;
            }
        }

        return given;
    }

    private static IEnumerable<(string Name, JsonNode Value)> Defaults(string type) => type switch
    {
        "image" or "voice" or "video" or "file" => [("media_id", MediaId())],
        "location" => [("latitude", 23.1291), ("longitude", 113.2644), ("name", "Canton Tower"), ("address", "222 Yuejiang West Road, Guangzhou")],
        "link" => [("title", "A link"), ("desc", "Shared from WeChat"), ("url", "https://example.com/"), ("pic_url", "https://example.com/a.png")],
        "business_card" => [("userid", "zhangsan")],
        "miniprogram" => [("title", "A mini program"), ("appid", "wx" + WeComIds.Digits(16)), ("pagepath", "pages/index"), ("thumb_media_id", MediaId())],
        _ => [],
    };

    private static string MediaId() => "2" + WeComIds.Digits(15) + "customer";
}
