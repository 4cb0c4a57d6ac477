using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;

namespace Larkway.Bench;

/// <summary>
/// A platform's app as the benchmarks store it in the Hub (the Emulator's defaults), and its events pointed at the Hub as
/// an administrator would in the platform's console. Shared by the directory and the approvals benchmarks.
/// </summary>
internal static class BenchPlatformApps
{
    /// <summary>The stored app of the platform (null for Feishu: the Hub's configured app), with the Emulator's defaults.</summary>
    public static Dictionary<string, object?>? AppOf(string platform, EmulatorServer emulator) => platform switch
    {
        "dingtalk" => new()
        {
            ["name"] = "dt-bench",
            ["platform"] = "dingtalk",
            ["app_id"] = EmulatorOptions.DefaultDingTalkAppKey,
            ["app_secret"] = EmulatorOptions.DefaultDingTalkAppSecret,
            ["base_url"] = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
            ["agent_id"] = 3000000001,
        },
        "wecom" => new()
        {
            ["name"] = "wc-bench",
            ["platform"] = "wecom",
            ["app_id"] = EmulatorOptions.DefaultWeComCorpId,
            ["agent_id"] = 1000002,
            ["app_secret"] = EmulatorOptions.DefaultWeComAppSecret,
            ["verification_token"] = EmulatorOptions.DefaultWeComCallbackToken,
            ["encrypt_key"] = EmulatorOptions.DefaultWeComEncodingAesKey,
            ["base_url"] = new Uri(emulator.BaseUrl, "/wecom/").AbsoluteUri,
        },
        _ => null,
    };

    /// <summary>Points the Emulator's event path for the platform at the Hub, as an admin would in the platform's console.</summary>
    public static async Task ConnectEventsAsync(string platform, EmulatorServer emulator, HttpClient control, Uri hub, string encryptKey, string token)
    {
        switch (platform)
        {
            case "feishu":
                // The Emulator checks the URL with a url_verification challenge first, as Feishu's console does.
                using (var saved = await control.PutAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/event-subscription",
                    new { url = new Uri(hub, "/feishu/events").AbsoluteUri, encrypt_key = encryptKey, verification_token = token }))
                {
                    await EnsureAsync(saved, "subscribing the Hub to the Feishu app's events");
                }

                break;
            case "wecom":
                using (var saved = await control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = new Uri(hub, "/wecom/apps/wc-bench/callback").AbsoluteUri }))
                {
                    await EnsureAsync(saved, "setting the WeCom app's callback URL");
                }

                break;
            default:
                // DingTalk's events come over the Stream connection the Hub opens for the stored app.
                var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
                while (!(await control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/connections")).GetProperty("items").EnumerateArray()
                    .Any(c => c.GetProperty("state").GetString() == "open" && c.GetProperty("appKey").GetString() == EmulatorOptions.DefaultDingTalkAppKey))
                {
                    if (DateTimeOffset.UtcNow > deadline)
                    {
                        throw new InvalidOperationException("the Hub opened no DingTalk Stream connection within 60 s");
                    }

                    await Task.Delay(100);
                }

                break;
        }
    }

    /// <summary>Throws with the answer when the control call failed.</summary>
    public static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
