using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>Who a fuzzed request claims to be.</summary>
internal enum FuzzCaller
{
    Anonymous,
    WrongKey,
    ApiKey,
    Admin,
    Console,
}

/// <summary>
/// The Hub under attack: a separate OS process (so a crash is seen as a crash) in webhook mode against an Emulator,
/// with what the routes need to get past their first checks: an API key for every type, a stored app with known
/// secrets, a notification, a webhook and a signed-in console session.
/// </summary>
internal sealed partial class FuzzTarget : IAsyncDisposable
{
    public const string AdminKey = "fuzz-admin-key-0123456789abcdef";
    public const string EncryptKey = "fuzz-encrypt-key";
    public const string VerificationToken = "fuzz-verification-token";
    public const string AppName = "fuzzapp";
    public const string AppEncryptKey = "fuzz-app-encrypt-key";
    public const string AppVerificationToken = "fuzz-app-verification-token";
    public const string DingTalkAppName = "fuzzding";
    public const string DingTalkAesKey = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7";
    public const string DingTalkToken = "fuzz-dingtalk-token";
    public const string WeComAppName = "fuzzwecom";
    public const string WeComToken = "FuzzWeComToken01";
    public const string WeComAesKey = "FuzzWeComEncodingAesKey0123456789abcdefghij";
    public const long WeComAgentId = 1000002;
    public const string AssistantName = "fuzzbot";
    public const string AssistantKey = "app-fuzz-assistant-key-0001";

    private FuzzTarget(EmulatorServer emulator, HubProcess hub, HttpClient http)
    {
        Emulator = emulator;
        Hub = hub;
        Http = http;
    }

    public EmulatorServer Emulator { get; }

    /// <summary>The stored DingTalk app's AppKey and AppSecret (the Emulator's org app), for signing its callbacks.</summary>
    public (string AppKey, string AppSecret) DingTalkApp { get; private set; }

    /// <summary>The stored WeCom app's corp id (the Emulator's corp), for encrypting its callbacks.</summary>
    public string WeComCorpId { get; private set; } = "";

    public HubProcess Hub { get; }

    /// <summary>No cookies, no redirects: each request carries exactly what the fuzzer gives it.</summary>
    public HttpClient Http { get; }

    public string ApiKey { get; private set; } = "";

    public string ConsoleCookie { get; private set; } = "";

    public string ConsoleToken { get; private set; } = "";

    /// <summary>A sign-in client of the broker (redirect URI <see cref="OidcCases.RedirectUri"/>) and its secret.</summary>
    public string IdentityClientId { get; private set; } = "";

    public string IdentityClientSecret { get; private set; } = "";

    /// <summary>Valid bodies by "METHOD pattern", mutated one field at a time: <see cref="FuzzSamples.ByRoute"/> and the ones made on set-up.</summary>
    public Dictionary<string, string[]> Samples { get; } = new(FuzzSamples.ByRoute, StringComparer.OrdinalIgnoreCase);

    /// <summary>Route parameter values that name things that exist, by parameter name.</summary>
    public Dictionary<string, List<string>> Existing { get; } = new(StringComparer.Ordinal)
    {
        ["name"] = [AppName, "payment.pending", "requisition.submitted"],
        ["id"] = ["1"],
        ["personId"] = ["per_0000000000000000000000000000fuzz"],
        ["conflict"] = ["1"],
    };

    public static async Task<FuzzTarget> StartAsync()
    {
        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        var emulator = await EmulatorServer.StartAsync(options);
        var app = emulator.State.Apps[0];
        var environment = new Dictionary<string, string>(HubStorage.NewSqlite("larkway-fuzz-"))
        {
            ["FEISHU_APP_ID"] = app.AppId,
            ["FEISHU_APP_SECRET"] = app.AppSecret,
            ["FEISHU_BASE_URL"] = emulator.BaseUrl.ToString(),
            ["FEISHU_EVENT_MODE"] = "webhook",
            ["FEISHU_ENCRYPT_KEY"] = EncryptKey,
            ["FEISHU_VERIFICATION_TOKEN"] = VerificationToken,
            ["LARKWAY_ADMIN_KEY"] = AdminKey,
            ["Logging__Console__FormatterName"] = "simple",

            // Thousands of wrong keys come from this one address; the lockout they would earn has a test of its own.
            ["Larkway__Api__FreeKeyFailures"] = "1000000",
        };
        var hub = await HubProcess.StartAsync(environment);
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = hub.BaseUrl,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var target = new FuzzTarget(emulator, hub, http) { DingTalkApp = (options.DingTalkAppKey, options.DingTalkAppSecret), WeComCorpId = options.WeComCorpId };
        try
        {
            await target.SetUpAsync();
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }

        return target;
    }

    /// <summary>Adds the caller's credentials to <paramref name="request"/>.</summary>
    public void Authorize(HttpRequestMessage request, FuzzCaller caller)
    {
        switch (caller)
        {
            case FuzzCaller.WrongKey:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "lwk_" + new string('A', 43));
                break;
            case FuzzCaller.ApiKey:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
                break;
            case FuzzCaller.Admin:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
                break;
            case FuzzCaller.Console:
                request.Headers.Add("Cookie", ConsoleCookie);
                request.Headers.Add("X-CSRF-Token", ConsoleToken);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Hub.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    private async Task SetUpAsync()
    {
        using var admin = new HttpClient { BaseAddress = Hub.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

        ApiKey = (await ReadAsync(await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "fuzz", types = new[] { "*" } })))
            .GetProperty("key").GetString()!;
        var victim = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "fuzz-victim", types = new[] { "x.*" } }));
        Existing["id"].Add(victim.GetProperty("id").GetString()!);

        var app = Emulator.State.AddApp(new EmulatorApp("cli_fuzz000000000001", "fuzz-app-secret", "Fuzz bot", "ou_fuzzbot0000000000000000000001"));
        await ReadAsync(await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = AppName,
            app_id = app.AppId,
            app_secret = app.AppSecret,
            encrypt_key = AppEncryptKey,
            verification_token = AppVerificationToken,
            base_url = Emulator.BaseUrl.ToString(),
        }));

        // A DingTalk app for POST /dingtalk/apps/{name}/callback, so the fuzz gets past "no such app" to the signatures.
        await ReadAsync(await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = DingTalkAppName,
            platform = "dingtalk",
            app_id = DingTalkApp.AppKey,
            app_secret = DingTalkApp.AppSecret,
            encrypt_key = DingTalkAesKey,
            verification_token = DingTalkToken,
            base_url = new Uri(Emulator.BaseUrl, "dingtalk").ToString(),
        }));

        // A WeCom app for GET/POST /wecom/apps/{name}/callback, so the fuzz reaches the signature, the decryption and the XML.
        // Not among the names the API routes are fuzzed with: a PATCH disabling it would make its callbacks 503 on purpose.
        await ReadAsync(await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = WeComAppName,
            platform = "wecom",
            app_id = WeComCorpId,
            agent_id = WeComAgentId,
            app_secret = EmulatorOptions.DefaultWeComAppSecret,
            encrypt_key = WeComAesKey,
            verification_token = WeComToken,
            base_url = Larkway.WeCom.WeComBaseUrls.Emulator(Emulator.BaseUrl).AbsoluteUri,
        }));

        // An assistant on the Feishu app, so that the assistants' {name} routes and console pages (its edit form) meet one that exists.
        await ReadAsync(await admin.PostAsync("/api/v1/assistants/", new StringContent(
            FuzzSamples.Assistant.Replace("fz-" + FuzzSamples.FreshId, AssistantName, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json")));

        var client = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/identity/clients", new { name = "Fuzz", redirect_uris = new[] { OidcCases.RedirectUri }, post_logout_redirect_uris = new[] { "https://fuzz.example.com/signed-out" } }));
        (IdentityClientId, IdentityClientSecret) = (client.GetProperty("client_id").GetString()!, client.GetProperty("client_secret").GetString()!);
        Existing["id"].Add(IdentityClientId);

        var webhook = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/fuzz", event_types = new[] { "*" } }));
        Existing["id"].Add(webhook.GetProperty("id").GetString()!);

        using var sender = new HttpClient { BaseAddress = Hub.BaseUrl };
        sender.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var notification = await ReadAsync(await sender.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "fuzz.created",
            idempotency_key = "fuzz-setup",
            card = new { elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Fuzz" } } } },
            recipients = new[] { new { email = "alice@example.com" } },
        }));
        Existing["id"].Add(notification.GetProperty("id").GetString()!);

        // A real approval when the Emulator's sample definition takes the sample form; the fuzz goes on without one.
        using var approval = await sender.PostAsync("/api/v1/approvals", JsonContent.Create(JsonDocument.Parse(FuzzSamples.Approval).RootElement));
        if (approval.IsSuccessStatusCode)
        {
            Existing["id"].Add((await ReadAsync(approval)).GetProperty("id").GetString()!);
        }

        // A synced directory, so that the directory's {id} routes also meet a person and a department that exist.
        await ReadAsync(await admin.PostAsync("/api/v1/directory/sync", null));
        await HubSandbox.WaitUntilAsync(
            () => ReadAsync(admin.GetAsync("/api/v1/directory/sync?limit=1").GetAwaiter().GetResult()).GetAwaiter().GetResult()
                .GetProperty("items")[0].GetProperty("status").GetString() != "running",
            "the fuzz target's directory sync");
        var people = await ReadAsync(await admin.GetAsync("/api/v1/directory/people?limit=1"));
        if (people.GetProperty("items").GetArrayLength() > 0)
        {
            Existing["id"].Add(people.GetProperty("items")[0].GetProperty("id").GetString()!);
        }

        var departments = await ReadAsync(await admin.GetAsync("/api/v1/directory/departments?limit=1"));
        if (departments.GetProperty("items").GetArrayLength() > 0)
        {
            Existing["id"].Add(departments.GetProperty("items")[0].GetProperty("id").GetString()!);
        }

        await AddBitableSyncAsync(admin);
        await SignInToConsoleAsync();
    }

    /// <summary>
    /// A Bitable sync (paused, as created) between a base in the Emulator and a table in a SQLite file, so that the sync's
    /// {id} routes meet one that exists and its create and edit bodies pass the checks against the live base and schema.
    /// </summary>
    private async Task AddBitableSyncAsync(HttpClient admin)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("larkway-fuzz-sync-").FullName, "erp.db");
        var connection = $"Data Source={file}";
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection(connection))
        {
            await db.OpenAsync();
            await using var create = db.CreateCommand();
            create.CommandText = "CREATE TABLE orders (order_no TEXT PRIMARY KEY, amount REAL, status TEXT); INSERT INTO orders VALUES ('PO-1', 10, 'Open');";
            await create.ExecuteNonQueryAsync();
        }

        using var control = new HttpClient { BaseAddress = Emulator.BaseUrl };
        var seeded = await ReadAsync(await control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Fuzz orders",
            user = "carol@example.com",
            tables = new[]
            {
                new
                {
                    name = "Orders",
                    fields = new object[]
                    {
                        new { field_name = "Order", type = 1 },
                        new { field_name = "Amount", type = 2 },
                        new { field_name = "Status", type = 3, property = new { options = new[] { new { name = "Open" }, new { name = "Paid" } } } },
                    },
                },
            },
        }));
        var data = seeded.GetProperty("data");
        var sample = FuzzSamples.BitableSync(data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!, connection);
        Samples["POST /api/v1/bitable-syncs"] = [sample];
        Samples["PUT /api/v1/bitable-syncs/{id}"] = [sample];
        var created = await ReadAsync(await admin.PostAsync("/api/v1/bitable-syncs", new StringContent(sample.Replace(FuzzSamples.FreshId, "setup", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json")));
        Existing["id"].Add(created.GetProperty("id").GetString()!);
    }

    private async Task SignInToConsoleAsync()
    {
        var password = await WaitForConsolePasswordAsync();
        using var console = new ConsoleClient(Hub.BaseUrl);
        using var signedIn = await console.SignInAsync(password);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the fuzzer signs in to the console with the printed password");
        ConsoleToken = await console.TokenFromAsync("/console");
        ConsoleCookie = console.CookieHeader("/console/");
    }

    /// <summary>
    /// The bootstrap password the Hub generated on its first start. Its stdout is no terminal, so the password is in
    /// the secrets file and never in the output (where a log shipper would read it).
    /// </summary>
    private async Task<string> WaitForConsolePasswordAsync()
    {
        string? password = null;
        await HubSandbox.WaitUntilAsync(
            () => File.Exists(Hub.SecretsFile)
                && (password = File.ReadLines(Hub.SecretsFile).Select(l => PasswordLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value) is not null,
            "the Hub to write the console password to its secrets file");
        Hub.Output.ShouldAllBe(line => !line.Contains(password!, StringComparison.Ordinal), "the password never reaches standard output");
        return password!;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.IsSuccessStatusCode.ShouldBeTrue($"fuzz set-up: {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
    }

    [GeneratedRegex(@"console password for user 'admin': (\S+)$")]
    private static partial Regex PasswordLine();
}
