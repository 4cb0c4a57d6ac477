using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The sandbox start banner: what a new user needs is printed, and its example request works as pasted.</summary>
public sealed partial class HubBannerTests
{
    [Fact]
    public async Task The_sandbox_banner_lists_the_users_and_the_cli_credentials_and_its_curl_sends_a_notification()
    {
        // A fresh folder (a first start: the admin key is made now) and Emulator state file: the banner names it, and no
        // earlier run's messages are in the chats.
        var stateFile = Path.Combine(Directory.CreateTempSubdirectory("larkway-banner-").FullName, "emulator-state.json");
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["Larkway__Bootstrap__SecretOutput"] = "terminal",
            ["LARKWAY_EMULATOR_STATE_FILE"] = stateFile,
        }, Path.GetDirectoryName(stateFile));
        // The banner is written line by line: wait for its last line, not for the example requests above it, or a busy
        // machine reads it half written (the assistant's lines come after the requests).
        await HubSandbox.WaitUntilAsync(() => hub.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);
        var output = hub.Output;

        output.ShouldContain(l => l.Contains($"kept in {stateFile} across restarts", StringComparison.Ordinal));
        output.ShouldContain(l => l.Contains("Knowledge: the wiki space \"Larkway Guides\"", StringComparison.Ordinal) && l.Contains("/api/v1/knowledge-syncs/fks_", StringComparison.Ordinal));
        foreach (var email in new[] { "alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com" })
        {
            output.ShouldContain(l => l.Trim().EndsWith(email, StringComparison.Ordinal), email);
        }

        var exports = output.Select(l => ExportLine().Match(l)).Where(m => m.Success).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        exports.Keys.ShouldBe(["FEISHU_APP_ID", "FEISHU_APP_SECRET", "FEISHU_BASE_URL", "FEISHU_ENCRYPT_KEY", "FEISHU_VERIFICATION_TOKEN", "LARKWAY_ADMIN_KEY"], ignoreOrder: true);
        // The key this first start made, printed once as every generated secret is, and in the export lines the example needs.
        var adminKey = exports["LARKWAY_ADMIN_KEY"];
        output.ShouldContain(l => l.StartsWith("Larkway Hub admin key", StringComparison.Ordinal) && l.EndsWith(": " + adminKey, StringComparison.Ordinal));
        output.ShouldContain(l => l.Contains("the export lines above set LARKWAY_ADMIN_KEY", StringComparison.Ordinal));
        exports["FEISHU_APP_ID"].ShouldStartWith("cli_");
        var emulator = new Uri(exports["FEISHU_BASE_URL"]);

        // The example as a shell would run it: its URL, its body, the admin key from the environment.
        var curls = output.Where(l => l.Contains("curl -sS", StringComparison.Ordinal)).Select(l => CurlLine().Match(l)).ToList();
        curls.Count.ShouldBe(6, "a notification, an approval with each sample definition, an approval on DingTalk and on WeCom, and a requisition on three platforms");
        using var http = new HttpClient();
        var (status, accepted) = await RunAsync(http, curls[0], adminKey);
        status.ShouldBe(HttpStatusCode.Accepted, accepted);
        JsonDocument.Parse(accepted).RootElement.GetProperty("recipients").GetInt32().ShouldBe(1);

        // Each sample approval definition, as pasted: created, and waiting for Bob (the General request's chosen first approver).
        foreach (var approval in curls.Skip(1).Take(2))
        {
            var (created, body) = await RunAsync(http, approval, adminKey);
            created.ShouldBe(HttpStatusCode.Created, body);
            var tasks = JsonDocument.Parse(body).RootElement.GetProperty("tasks").EnumerateArray().ToList();
            tasks.ShouldContain(t => t.GetProperty("status").GetString() == "pending", body);
        }

        // The DingTalk and WeCom approvals, as pasted: each created on its platform's sandbox app and waiting for an approver
        // there; the lines before them say where those approvers decide, a page that opens.
        foreach (var (approval, platform, page) in new[] { (curls[3], "dingtalk", "/dingtalk-approval"), (curls[4], "wecom", "/wecom-approval") })
        {
            var (created, body) = await RunAsync(http, approval, adminKey);
            created.ShouldBe(HttpStatusCode.Created, body);
            var root = JsonDocument.Parse(body).RootElement;
            root.GetProperty("platform").GetString().ShouldBe(platform, body);
            root.GetProperty("tasks").EnumerateArray().ShouldContain(t => t.GetProperty("status").GetString() == "pending", body);
            var decideAt = new Uri(emulator, page).AbsoluteUri;
            output.ShouldContain(l => l.Contains("ask for an approval on", StringComparison.Ordinal) && l.TrimEnd().EndsWith(decideAt + ":", StringComparison.Ordinal), platform);
            using var opened = await http.GetAsync(decideAt);
            opened.StatusCode.ShouldBe(HttpStatusCode.OK, platform);
        }

        // The requisition to Alice, Carol and (its approver) Bob: said with each platform's sandbox person, in the rooms' order,
        // and accepted for the three of them.
        output.ShouldContain(l => l.Trim() == "one notification, three platforms: Alice is reached on Feishu, Bob on DingTalk and Carol on WeCom (their preferred platforms,");
        output.ShouldContain(l => l.Trim() == "set on their directory pages); a requisition to all three — each presses Approve where they are:");
        var (three, threeBody) = await RunAsync(http, curls[5], adminKey);
        three.ShouldBe(HttpStatusCode.Accepted, threeBody);
        JsonDocument.Parse(threeBody).RootElement.GetProperty("recipients").GetInt32().ShouldBe(3);

        // Each user has a direct chat with the bot from the start; Alice's receives the card.
        var chats = await http.GetStringAsync(emulator);
        foreach (var name in new[] { "Alice Chen", "Bob Li", "Carol Wang", "Dave Zhang" })
        {
            chats.ShouldContain($"↔ {name}</a>", Case.Sensitive, name);
        }

        await HubSandbox.WaitUntilAsync(() => DirectChatMessages(http, emulator, "Alice Chen") > 0, "the card in Alice's direct chat");

        // The WeCom line names the sandbox's WeCom app and the Emulator's WeCom chat page, which opens.
        var weCom = output.Single(l => l.TrimStart().StartsWith("WeCom:", StringComparison.Ordinal));
        weCom.ShouldContain("'wecom-sandbox' answers");
        weCom.ShouldContain("and its AI bot");
        var weComChat = new Uri(emulator, "/wecom-chat").AbsoluteUri;
        weCom.ShouldContain(weComChat);
        using (var page = await http.GetAsync(weComChat))
        {
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The assistant is named with how to ask it on each platform: which Emulator page, what to write; on WeCom its AI bot too.
        output.ShouldContain(l => l.Contains("the assistant 'Larkway Assistant' (assistant) answers what no bot command claims", StringComparison.Ordinal));
        output.ShouldContain(l => l.TrimStart().StartsWith("on Feishu: write a question to the bot", StringComparison.Ordinal) && l.Contains(emulator.AbsoluteUri, StringComparison.Ordinal));
        output.ShouldContain(l => l.TrimStart().StartsWith("on DingTalk: write a question", StringComparison.Ordinal) && l.Contains(new Uri(emulator, "/dingtalk-chat").AbsoluteUri, StringComparison.Ordinal));
        output.ShouldContain(l => l.TrimStart().StartsWith("on WeCom: write a question to the app, or to the AI bot", StringComparison.Ordinal) && l.Contains(weComChat, StringComparison.Ordinal));

        // The requisition reaches all three before the Hub stops (a send cut off by the stop would rightly be a warning).
        var requisition = new Uri(new Uri(curls[5].Groups["url"].Value), "/api/v1/notifications/" + JsonDocument.Parse(threeBody).RootElement.GetProperty("id").GetString());
        await HubSandbox.WaitUntilAsync(() => StatusOf(http, requisition, adminKey) == "sent", "the requisition sent on the three platforms", seconds: 60);

        // The whole first-hour flow, start to stop, says nothing a reader of the log must act on.
        (await hub.StopAsync()).ShouldBe(0);
        hub.Output.Where(IsWarningOrWorse).ShouldBeEmpty();
    }

    private static string? StatusOf(HttpClient http, Uri notification, string adminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, notification);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
        using var response = http.Send(request);
        using var body = JsonDocument.Parse(response.Content.ReadAsStream());
        return body.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }

    /// <summary>Runs a banner's curl line as a shell would: its URL, its body, the admin key its export line set.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> RunAsync(HttpClient http, Match curl, string adminKey)
    {
        curl.Success.ShouldBeTrue();
        using var request = new HttpRequestMessage(HttpMethod.Post, curl.Groups["url"].Value)
        {
            Content = new StringContent(curl.Groups["body"].Value, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A console log line at warning level or above, in the simple format (<c>warn: Category[id]</c>) or JSON.</summary>
    private static bool IsWarningOrWorse(string line) =>
        line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
        || line.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal)
        || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal);

    [Fact]
    public async Task Off_a_terminal_the_sandbox_credentials_go_to_the_secrets_file_not_to_standard_output()
    {
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string> { ["LARKWAY_EMULATOR_PORT"] = "0" });
        await HubSandbox.WaitUntilAsync(() => hub.Output.Any(l => l.Contains("curl -sS", StringComparison.Ordinal)), "the banner's example request", seconds: 90);

        hub.Output.ShouldNotContain(l => l.Contains("export FEISHU_", StringComparison.Ordinal));
        hub.Output.ShouldContain(l => l.Contains("the sandbox app", StringComparison.Ordinal) && l.Contains(hub.SecretsFile, StringComparison.Ordinal));
        var file = await File.ReadAllTextAsync(hub.SecretsFile);
        file.ShouldContain("export FEISHU_ENCRYPT_KEY=");
    }

    [Fact]
    public async Task Off_a_terminal_the_printed_steps_send_as_pasted_on_the_first_and_a_later_start_which_keep_the_keys_and_say_where_the_password_is()
    {
        // A newcomer's run: nothing configured, output not a terminal, one data folder, two starts.
        var folder = Directory.CreateTempSubdirectory("larkway-newcomer-").FullName;
        var secrets = Path.Combine(folder, "data", "first-start-secrets.txt");
        var environment = new Dictionary<string, string> { ["LARKWAY_EMULATOR_PORT"] = "0", ["Larkway__Bootstrap__SecretsFile"] = secrets };
        string firstEncryptKey;
        await using (var first = await HubProcess.StartAsync(environment, folder))
        {
            await HubSandbox.WaitUntilAsync(() => first.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);
            first.Output.ShouldContain(l => l.Contains("(user admin; its password is in data/first-start-secrets.txt;", StringComparison.Ordinal));
            first.Output.ShouldContain(l => l.Contains("a Bitable sync sample, paused:", StringComparison.Ordinal));
            (await RunAsPrintedAsync(first.Output, folder)).ShouldBe("202");
            firstEncryptKey = LastExport(await File.ReadAllTextAsync(secrets), "FEISHU_ENCRYPT_KEY");

            // The sample sync resumed: the next start's banner says so.
            using var admin = new HttpClient { BaseAddress = first.BaseUrl };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKeyIn(await File.ReadAllTextAsync(secrets)));
            var syncs = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/bitable-syncs")).RootElement;
            var sample = syncs.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString();
            (await admin.PostAsync($"/api/v1/bitable-syncs/{sample}/resume", null)).IsSuccessStatusCode.ShouldBeTrue();
            (await first.StopAsync()).ShouldBe(0);
        }

        await using var second = await HubProcess.StartAsync(environment, folder);
        await HubSandbox.WaitUntilAsync(() => second.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);

        // The key was made by the first start (only its hash is kept), yet the printed steps still send.
        second.Output.ShouldContain(l => l.Contains("(user admin; its password is in data/first-start-secrets.txt;", StringComparison.Ordinal));
        second.Output.ShouldContain(l => l.Contains("a Bitable sync sample, active", StringComparison.Ordinal));
        (await RunAsPrintedAsync(second.Output, folder)).ShouldBe("202");
        LastExport(await File.ReadAllTextAsync(secrets), "FEISHU_ENCRYPT_KEY").ShouldBe(firstEncryptKey, "the encrypt key is kept with the Emulator's state");
    }

    [Fact]
    public async Task On_a_terminal_the_sandbox_keeps_its_secrets_in_the_file_so_a_later_starts_printed_steps_send_as_pasted()
    {
        // scripts/run.sh on a terminal, stopped and started again: the admin key was printed once, yet the second banner's
        // steps still set it, from the file the sandbox keeps as its key store.
        var folder = Directory.CreateTempSubdirectory("larkway-terminal-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["Larkway__Bootstrap__SecretOutput"] = "terminal",
            ["Larkway__Bootstrap__SecretsFile"] = Path.Combine(folder, "data", "first-start-secrets.txt"),
        };
        await using (var first = await HubProcess.StartAsync(environment, folder))
        {
            await HubSandbox.WaitUntilAsync(() => first.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);
            first.Output.ShouldContain(l => l.StartsWith("Larkway Hub admin key (kept in data/first-start-secrets.txt, the sandbox's key store): ", StringComparison.Ordinal));
            first.Output.ShouldContain(l => l.Contains("the export lines above set LARKWAY_ADMIN_KEY", StringComparison.Ordinal));
            (await first.StopAsync()).ShouldBe(0);
        }

        await using var second = await HubProcess.StartAsync(environment, folder);
        await HubSandbox.WaitUntilAsync(() => second.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);
        second.Output.ShouldContain(l => l.Contains("(user admin; its password is in data/first-start-secrets.txt;", StringComparison.Ordinal));
        (await RunAsPrintedAsync(second.Output, folder)).ShouldBe("202");
    }

    [Fact]
    public async Task A_sandbox_whose_secrets_file_was_deleted_is_told_where_its_secrets_went_and_given_no_command_that_fails()
    {
        var folder = Directory.CreateTempSubdirectory("larkway-deleted-").FullName;
        var secrets = Path.Combine(folder, "data", "first-start-secrets.txt");
        var environment = new Dictionary<string, string> { ["LARKWAY_EMULATOR_PORT"] = "0", ["Larkway__Bootstrap__SecretsFile"] = secrets };
        await using (var first = await HubProcess.StartAsync(environment, folder))
        {
            await HubSandbox.WaitUntilAsync(() => first.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);

            // The sandbox's story: the file is its key store, to keep (not the production hand-over, to delete).
            first.Output.ShouldContain(l => l.StartsWith("Larkway Hub admin key: written to", StringComparison.Ordinal) && l.EndsWith("It is the sandbox's key store: keep it (later starts point at it).", StringComparison.Ordinal));
            first.Output.ShouldNotContain(l => l.Contains("then delete the file", StringComparison.Ordinal));
            (await first.StopAsync()).ShouldBe(0);
        }

        File.Delete(secrets);
        await using var second = await HubProcess.StartAsync(environment, folder);
        await HubSandbox.WaitUntilAsync(() => second.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);

        second.Output.ShouldNotContain(l => l.Contains("eval \"$(grep", StringComparison.Ordinal), "the file has no admin key to set any more");
        second.Output.ShouldContain(l => l.Contains("its password was written to data/first-start-secrets.txt when it was made, which no longer holds it; LARKWAY_ADMIN_PASSWORD_RESET=1 for one start makes a new one", StringComparison.Ordinal));
        second.Output.ShouldContain(l => l.Contains("first export LARKWAY_ADMIN_KEY=<the admin key>: it was written to data/first-start-secrets.txt when it was made, which no longer holds it; set LARKWAY_ADMIN_KEY before starting the Hub to choose it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outside_the_sandbox_the_secrets_file_is_a_hand_over_to_store_and_delete_and_a_later_start_says_it_no_longer_holds_them()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var app = emulator.State.Apps[0];
        var secrets = Path.Combine(Directory.CreateTempSubdirectory("larkway-handover-").FullName, "first-start-secrets.txt");
        var environment = new Dictionary<string, string>(HubStorage.NewSqlite("larkway-handover-db-"))
        {
            ["FEISHU_APP_ID"] = app.AppId,
            ["FEISHU_APP_SECRET"] = app.AppSecret,
            ["FEISHU_BASE_URL"] = emulator.BaseUrl.ToString(),
            ["FEISHU_EVENT_MODE"] = "webhook",
            ["FEISHU_ENCRYPT_KEY"] = HubSandbox.ExternalEncryptKey,
            ["FEISHU_VERIFICATION_TOKEN"] = HubSandbox.ExternalVerificationToken,
            ["Larkway__Bootstrap__SecretsFile"] = secrets,
        };
        await using (var first = await HubProcess.StartAsync(environment))
        {
            await HubSandbox.WaitUntilAsync(() => first.Output.Any(l => l.StartsWith("  card actions:", StringComparison.Ordinal)), "the banner", seconds: 60);
            foreach (var label in new[] { "Larkway Hub admin key", "Larkway Hub console password for user 'admin'" })
            {
                first.Output.ShouldContain(l => l.StartsWith($"{label}: written to {secrets}", StringComparison.Ordinal) && l.EndsWith("Store it in your secret store, then delete the file.", StringComparison.Ordinal), label);
            }

            first.Output.ShouldContain(l => l.Contains($"(user admin; its password is in {secrets};", StringComparison.Ordinal));
            (await first.StopAsync()).ShouldBe(0);
        }

        File.Delete(secrets);
        await using var second = await HubProcess.StartAsync(environment);
        await HubSandbox.WaitUntilAsync(() => second.Output.Any(l => l.StartsWith("  card actions:", StringComparison.Ordinal)), "the banner", seconds: 60);
        second.Output.ShouldContain(l => l.Contains($"(user admin; its password was written to {secrets} when it was made, which no longer holds it; LARKWAY_ADMIN_PASSWORD_RESET=1 for one start makes a new one)", StringComparison.Ordinal));
        second.Output.ShouldNotContain(l => l.Contains("written to", StringComparison.Ordinal) && l.Contains("not printed", StringComparison.Ordinal), "nothing new was made");
    }

    [Fact]
    public async Task With_an_https_port_the_sandbox_emulator_serves_tls_and_the_banner_names_the_file_to_trust_beside_its_state()
    {
        var folder = Directory.CreateTempSubdirectory("larkway-banner-tls-").FullName;
        var stateFile = Path.Combine(folder, "emulator-state.json");
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["LARKWAY_EMULATOR_HTTPS_PORT"] = "0",
            ["LARKWAY_EMULATOR_STATE_FILE"] = stateFile,
        }, folder);
        await HubSandbox.WaitUntilAsync(() => hub.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);

        var line = TlsLine().Match(string.Join("\n", hub.Output));
        line.Success.ShouldBeTrue("the banner's TLS line");
        var authorityFile = line.Groups[2].Value;
        authorityFile.ShouldBe(Path.Combine(folder, "larkway-emulator-ca.pem"), "kept beside the state file, so a trust survives restarts");

        // A client trusting that file, and nothing else, is answered over TLS.
        using var authority = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(authorityFile);
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                return false;
            }

            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            using var served = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(served);
        };
        using var https = new HttpClient(handler);
        using var page = await https.GetAsync(new Uri(line.Groups[1].Value));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [GeneratedRegex(@"and over TLS at (https://\S+) \(https, wss\): trust (\S+) \(NODE_EXTRA_CA_CERTS")]
    private static partial Regex TlsLine();

    /// <summary>The banner's last line (the Bitable sync sample's); the lines above it are written before it.</summary>
    private const string BannerEnd = "then edit a row at";

    /// <summary>Runs the banner's lines under "send a notification to Alice" up to its curl in bash, as a newcomer pastes them; curl's HTTP status.</summary>
    private static async Task<string> RunAsPrintedAsync(IReadOnlyList<string> output, string folder)
    {
        var lines = output.SkipWhile(l => !l.Contains("send a notification to Alice", StringComparison.Ordinal)).Skip(1).ToList();
        var steps = lines.Take(lines.FindIndex(l => l.Contains("curl -sS", StringComparison.Ordinal)) + 1).Select(l => l.Trim()).ToList();
        steps.Count.ShouldBeGreaterThan(1, "a step before the curl sets LARKWAY_ADMIN_KEY");
        var script = "cd / && " + string.Join("\n", steps) + " -o /dev/null -w '%{http_code}'";
        var run = await Infrastructure.ProcessRunner.RunAsync("env", ["-u", "LARKWAY_ADMIN_KEY", "bash", "-c", script], folder, TimeSpan.FromSeconds(30));
        return run.Output + run.Error;
    }

    private static string LastExport(string secretsFile, string name) =>
        Regex.Matches(secretsFile, $@"export {name}=(\S+)").Last().Groups[1].Value;

    private static string AdminKeyIn(string secretsFile) => Regex.Match(secretsFile, @"Larkway Hub admin key: (\S+)").Groups[1].Value;

    /// <summary>The message count the Emulator's chat list shows for the bot's direct chat with <paramref name="name"/>.</summary>
    private static int DirectChatMessages(HttpClient http, Uri emulator, string name)
    {
        var html = http.GetStringAsync(emulator).GetAwaiter().GetResult();
        var row = Regex.Match(html, $"↔ {Regex.Escape(name)}</a></td><td>p2p</td><td>\\d+</td><td>(\\d+)</td>");
        return row.Success ? int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^\s*export ((?:FEISHU|LARKWAY)_[A-Z_]+)=(\S+)")]
    private static partial Regex ExportLine();

    [GeneratedRegex(@"curl -sS (?<url>\S+) .* -d '(?<body>[^']+)'$")]
    private static partial Regex CurlLine();
}
