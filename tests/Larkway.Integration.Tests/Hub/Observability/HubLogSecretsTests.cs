using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Integration.Tests.Hub.Observability;

/// <summary>
/// A real Hub with every secret configured, driven through a realistic flow at Debug level: its whole captured log holds
/// none of the secrets and no decrypted event content.
/// </summary>
public sealed partial class HubLogSecretsTests
{
    [Theory]
    [InlineData("json")]
    [InlineData("simple")]
    public async Task No_secret_and_no_decrypted_body_reaches_the_log(string format)
    {
        string Unique(string what) => $"{what}-{Guid.NewGuid():N}";
        var encryptKey = Unique("enc");
        var verificationToken = Unique("vtok");
        var adminKey = Unique("admin");
        var storedSecret = Unique("stored-secret");
        var storedEncryptKey = Unique("stored-enc");
        var storedToken = Unique("stored-vtok");
        var messageText = Unique("private-words");

        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, EnforceRateLimits = false });
        var app = emulator.State.Apps[0];
        var stored = emulator.State.AddApp(new EmulatorApp("cli_logs000000000001", storedSecret, "Log bot", "ou_logbot00000000000000000000001"));
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>(HubStorage.NewSqlite("larkway-logs-"))
        {
            ["FEISHU_APP_ID"] = app.AppId,
            ["FEISHU_APP_SECRET"] = app.AppSecret,
            ["FEISHU_BASE_URL"] = emulator.BaseUrl.ToString(),
            ["FEISHU_EVENT_MODE"] = "webhook",
            ["FEISHU_ENCRYPT_KEY"] = encryptKey,
            ["FEISHU_VERIFICATION_TOKEN"] = verificationToken,
            ["LARKWAY_ADMIN_KEY"] = adminKey,
            ["Logging__LogLevel__Default"] = "Debug",
            ["Larkway__Logging__Format"] = format,
        });
        using var admin = new HttpClient { BaseAddress = hub.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);

        // An API key, and a stored app with its own secrets.
        var apiKey = (await ReadAsync(await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "erp", types = new[] { "*" } }))).GetProperty("key").GetString()!;
        await ReadAsync(await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = "logapp",
            app_id = stored.AppId,
            app_secret = storedSecret,
            encrypt_key = storedEncryptKey,
            verification_token = storedToken,
            base_url = emulator.BaseUrl.ToString(),
        }));

        // The console: sign in with the generated password (from the secrets file, never stdout).
        var password = await ConsolePasswordAsync(hub);
        using (var console = new ConsoleClient(hub.BaseUrl))
        {
            (await console.SignInAsync(password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            (await console.Http.GetAsync("/console/events")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // A signed, encrypted event whose decrypted text is unique; the bot echoes it back to the chat.
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var posted = await control.PostAsJsonAsync($"/_emulator/apps/{app.AppId}/p2p-messages",
            new { sender = "bob@example.com", msg_type = "text", content = new { text = "/echo " + messageText } });
        posted.EnsureSuccessStatusCode();
        var message = emulator.State.FindMessage((await ReadAsync(posted)).GetProperty("data").GetProperty("message_id").GetString()!)!;
        using var feishu = new HttpClient { BaseAddress = hub.BaseUrl };
        var player = new FeishuPlayer(feishu, encryptKey, verificationToken, app.AppId);
        var envelope = FeishuPlayer.ReceiveEvent(message, emulator.State.FindChat(message.ChatId)!, "ev_logs_1", verificationToken, app.AppId, emulator.State.Tenant.TenantKey);
        (await player.DeliverAsync(envelope)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await HubSandbox.WaitUntilAsync(
            () => emulator.State.MessagesIn(message.ChatId).Any(m => m.Sender.SenderType == "app" && m.Content.Contains(messageText, StringComparison.Ordinal)),
            "the bot's echo");

        // A notification out, on the API key.
        using var sender = new HttpClient { BaseAddress = hub.BaseUrl };
        sender.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        await ReadAsync(await sender.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "logs.test",
            idempotency_key = "logs-1",
            card = new { elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Logged?" } } } },
            recipients = new[] { new { email = "alice@example.com" } },
        }));
        await HubSandbox.WaitUntilAsync(() => emulator.State.Chats.SelectMany(c => emulator.State.MessagesIn(c.ChatId)).Any(m => m.Content.Contains("Logged?", StringComparison.Ordinal)), "the notification");

        // Bad requests: a wrong key, an event signed with the wrong key, one for the stored app with a wrong token, a scrape.
        using (var wrong = new HttpClient { BaseAddress = hub.BaseUrl })
        {
            wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Unique("lwk_wrong"));
            (await wrong.GetAsync("/api/v1/events")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        // The sign-in broker: an app registered, a person signed in through Feishu, the code redeemed, a refresh, userinfo,
        // a revocation, and a replayed refresh token.
        var signInApp = await Identity.OidcApp.RegisterAsync(hub.BaseUrl, adminKey);
        using var browser = new Identity.SignInBrowser(hub.BaseUrl, control);
        var (authorizeUrl, pkce, _, _) = signInApp.AuthorizeRequest();
        var code = Identity.OidcApp.Answer(await browser.AuthorizeAsync(authorizeUrl)).Code!;
        var (_, tokens) = await signInApp.RedeemAsync(code, pkce);
        var firstRefresh = tokens.GetProperty("refresh_token").GetString()!;
        var (_, refreshed) = await signInApp.RefreshAsync(firstRefresh);
        (await signInApp.UserInfoAsync(refreshed.GetProperty("access_token").GetString()!)).Status.ShouldBe(HttpStatusCode.OK);
        (await signInApp.RefreshAsync(firstRefresh)).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await signInApp.RedeemAsync(code, pkce)).Status.ShouldBe(HttpStatusCode.BadRequest);
        var brokerCookies = browser.Cookies.Select(c => c[(c.IndexOf('=', StringComparison.Ordinal) + 1)..]).Where(v => v.Length > 20).ToList();
        brokerCookies.ShouldNotBeEmpty();

        var forger = new FeishuPlayer(feishu, Unique("not-the-key"), verificationToken, app.AppId);
        (await forger.DeliverAsync(envelope)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var storedPlayer = new FeishuPlayer(feishu, storedEncryptKey, Unique("wrong-token"), stored.AppId);
        (await storedPlayer.DeliverAsync(FeishuPlayer.ReceiveEvent(message, emulator.State.FindChat(message.ChatId)!, "ev_logs_2", Unique("wrong-token"), stored.AppId, emulator.State.Tenant.TenantKey),
            "/feishu/apps/logapp/events")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await hub.KillAsync();
        var log = hub.Output;
        log.ShouldContain(line => line.Contains("dbug", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Debug\"", StringComparison.Ordinal), "the log ran at Debug");
        if (format == "json")
        {
            log.ShouldContain(line => line.StartsWith("{\"Timestamp\":", StringComparison.Ordinal));
        }

        var secrets = new Dictionary<string, string>
        {
            ["app secret"] = app.AppSecret,
            ["encrypt key"] = encryptKey,
            ["verification token"] = verificationToken,
            ["admin key"] = adminKey,
            ["API key"] = apiKey,
            ["stored app secret"] = storedSecret,
            ["stored encrypt key"] = storedEncryptKey,
            ["stored verification token"] = storedToken,
            ["console password"] = password,
            ["decrypted message text"] = messageText,
            ["sign-in client secret"] = signInApp.Secret!,
            ["authorization code"] = code,
            ["PKCE verifier"] = pkce.Verifier,
            ["access token"] = tokens.GetProperty("access_token").GetString()!,
            ["id token"] = tokens.GetProperty("id_token").GetString()!,
            ["refresh token"] = firstRefresh,
            ["rotated refresh token"] = refreshed.GetProperty("refresh_token").GetString()!,
            ["refreshed access token"] = refreshed.GetProperty("access_token").GetString()!,
        };
        foreach (var (cookie, i) in brokerCookies.Select((c, i) => (c, i)))
        {
            secrets[$"broker cookie {i}"] = cookie;
        }
        foreach (var (what, secret) in secrets)
        {
            var leaks = log.Where(line => line.Contains(secret, StringComparison.Ordinal)).Take(3).ToList();
            leaks.ShouldBeEmpty($"the {what} is in the log");
        }
    }

    private static async Task<string> ConsolePasswordAsync(HubProcess hub)
    {
        string? password = null;
        await HubSandbox.WaitUntilAsync(
            () => File.Exists(hub.SecretsFile)
                && (password = File.ReadLines(hub.SecretsFile).Select(l => PasswordLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value) is not null,
            "the console password in the secrets file");
        return password!;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.IsSuccessStatusCode.ShouldBeTrue(text);
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
    }

    [GeneratedRegex(@"console password for user 'admin': (\S+)$")]
    private static partial Regex PasswordLine();
}
