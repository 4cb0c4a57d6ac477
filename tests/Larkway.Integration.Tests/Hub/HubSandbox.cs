using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;
using Larkway.Integration.Tests.Hub.Contract;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Larkway.Hub;

namespace Larkway.Integration.Tests.Hub;

/// <summary>A Hub in sandbox mode on real Kestrel ports: its embedded Emulator pushes events to it over HTTP.</summary>
internal sealed class HubSandbox : IAsyncDisposable
{
    private readonly EmulatorServer? _external;
    private readonly bool _ownsDataDirectory;

    private readonly ApiRecorder _calls;

    private HubSandbox(HubHost host, string dataDirectory, bool ownsDataDirectory, EmulatorServer? external, HubLog log, ApiRecorder calls)
    {
        _calls = calls;
        _ownsDataDirectory = ownsDataDirectory;
        Host = host;
        Log = log;
        DataDirectory = dataDirectory;
        _external = external;
        Emulator = external ?? host.Emulator!;
        Control = new HttpClient { BaseAddress = Emulator.BaseUrl };
        Api = new HttpClient { BaseAddress = host.BaseUrl };
    }

    /// <summary>The Emulator playing Feishu: the Hub's own in sandbox mode, or one the test started.</summary>
    public EmulatorServer Emulator { get; }

    public HubHost Host { get; }

    /// <summary>What the Hub logged at Warning and above, for a failing assertion's message.</summary>
    public HubLog Log { get; }

    public string DataDirectory { get; }

    /// <summary>The Emulator's HTTP side (control endpoints).</summary>
    public HttpClient Control { get; }

    /// <summary>The Hub's HTTP side.</summary>
    public HttpClient Api { get; }

    public EmulatorState State => Emulator.State;

    /// <summary>
    /// A Hub with credentials for an Emulator the test started, as it would run against real Feishu; events
    /// come over the long connection or HTTP depending on <paramref name="mode"/>.
    /// </summary>
    public static async Task<HubSandbox> StartAgainstAsync(EmulatorServer emulator, string mode, IDictionary<string, string?>? settings = null, string? dataDirectory = null, Action<WebApplicationBuilder>? configure = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["FEISHU_APP_ID"] = emulator.State.Apps[0].AppId,
            ["FEISHU_APP_SECRET"] = emulator.State.Apps[0].AppSecret,
            ["FEISHU_BASE_URL"] = emulator.BaseUrl.ToString(),
            ["FEISHU_EVENT_MODE"] = mode,
            ["FEISHU_ENCRYPT_KEY"] = ExternalEncryptKey,
            ["FEISHU_VERIFICATION_TOKEN"] = ExternalVerificationToken,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return await StartAsync(values, dataDirectory, emulator, configure);
    }

    /// <summary>
    /// A Hub of stored apps only (<c>LARKWAY_SANDBOX=off</c>, no <c>FEISHU_*</c>): no default app, as a company on DingTalk or
    /// WeCom alone runs it; its apps are the Emulator's, added by the test.
    /// </summary>
    public static Task<HubSandbox> StartAppsOnlyAsync(EmulatorServer emulator, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["LARKWAY_SANDBOX"] = "off" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return StartAsync(values, external: emulator);
    }

    public const string ExternalEncryptKey = "external-encrypt-key";

    public const string ExternalVerificationToken = "external-verification-token";

    public static async Task<HubSandbox> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null, EmulatorServer? external = null, Action<WebApplicationBuilder>? configure = null)
    {
        // A folder the test did not name is the Hub's own, removed when it stops (a suite run starts hundreds).
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("larkway-hub-").FullName;
        var values = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["Larkway:Storage:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "larkway.db")}",
            ["Larkway:AdminKey"] = AdminKey,
            ["Larkway:Bootstrap:SecretsFile"] = Path.Combine(dataDirectory, "first-start-secrets.txt"),

            // Each Hub its own sandbox tenant: on PostgreSQL the default would be ./data, shared by every test and run.
            ["LARKWAY_EMULATOR_STATE_FILE"] = Path.Combine(dataDirectory, "emulator-state.json"),

            // The sandbox's people keep the directory's order (Feishu first) unless a test asks for theirs: a test that
            // sends to bob@example.com expects Feishu, and the directory sync they start would race a test's own.
            ["Larkway:Sandbox:People"] = "false",

            // The sandbox's assistant would take every message no command claims; a test that wants it asks for it.
            ["Larkway:Sandbox:Assistant"] = "false",

            // The sandbox app's WeCom AI bot holds a long connection and its lease; a test that wants it asks for it.
            ["Larkway:Sandbox:WeComAiBot"] = "false",

            // The sandbox's knowledge sync would push the Emulator's guides into its fake Dify; a test that wants it asks for it.
            ["Larkway:Sandbox:Knowledge"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var log = new HubLog();
        var calls = new ApiRecorder();
        var host = await HubApp.StartAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            builder.Services.AddSingleton<IStartupFilter>(calls);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(log);
            configure?.Invoke(builder);
        });
        return new HubSandbox(host, dataDirectory, ownsDataDirectory, external, log, calls);
    }

    public const string AdminKey = "test-admin-key-0123456789";

    /// <summary>
    /// Points the Emulator's event subscription of its first app at this Hub, as a developer would in the Feishu console:
    /// a Hub started with <see cref="StartAgainstAsync"/> in webhook mode then receives that app's events.
    /// </summary>
    public async Task SubscribeEventsAsync()
    {
        using var subscribed = await Control.PutAsJsonAsync($"/_emulator/apps/{State.Apps[0].AppId}/event-subscription", new
        {
            url = new Uri(Api.BaseAddress!, "/feishu/events").ToString(),
            encrypt_key = ExternalEncryptKey,
            verification_token = ExternalVerificationToken,
        });
        var text = await subscribed.Content.ReadAsStringAsync();
        Assert.True(subscribed.IsSuccessStatusCode, text);
    }

    /// <summary>A user writes to the bot in a p2p chat; returns the message id.</summary>
    public async Task<string> SayToBotAsync(string text, string sender = "alice@example.com")
    {
        using var response = await Control.PostAsJsonAsync($"/_emulator/apps/{Host.Settings.AppId}/p2p-messages",
            new { sender, msg_type = "text", content = new { text } });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("data").GetProperty("message_id").GetString()!;
    }

    /// <summary>The bot's card messages in the chat of <paramref name="messageId"/>.</summary>
    public IReadOnlyList<EmulatorMessage> BotCardsInChatOf(string messageId)
    {
        var chatId = State.FindMessage(messageId)!.ChatId;
        return [.. State.MessagesIn(chatId).Where(m => m.Sender.SenderType == "app" && m.MsgType == "interactive")];
    }

    /// <summary>A user clicks a button of a card through the Emulator; returns the outcome JSON.</summary>
    public async Task<JsonElement> ClickAsync(string cardMessageId, object value, string operatorEmail = "alice@example.com")
    {
        using var response = await Control.PostAsJsonAsync($"/_emulator/messages/{cardMessageId}/actions",
            new { @operator = operatorEmail, tag = "button", value });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        return (root.TryGetProperty("data", out var data) ? data : root).Clone();
    }

    /// <summary>Texts the bot has posted, in order, in the chat of <paramref name="messageId"/>.</summary>
    public IReadOnlyList<string> BotTextsInChatOf(string messageId)
    {
        var chatId = State.FindMessage(messageId)!.ChatId;
        return [.. State.MessagesIn(chatId)
            .Where(m => m.Sender.SenderType == "app" && m.MsgType == "text")
            .Select(m => JsonDocument.Parse(m.Content).RootElement.GetProperty("text").GetString()!)];
    }

    /// <summary>Waits (as a hang guard, not a timing assertion) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 20) => await WaitUntilAsync(condition, what, seconds, null);

    /// <summary>As <see cref="WaitUntilAsync(Func{bool}, string, int)"/>, naming what this Hub logged when it gives up.</summary>
    public Task WaitForAsync(Func<bool> condition, string what, int seconds = 20) => WaitUntilAsync(condition, what, seconds, Log);

    private static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds, HubLog? log)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Gave up waiting for: {what}" + (log is null ? "" : $"; {log}"));
            }
        }
    }

    /// <summary>
    /// Whether the calls to this Hub's API are checked against its OpenAPI document when it stops (<see cref="OpenApiContract"/>):
    /// on for every test, so the flows the tests drive prove the document true.
    /// </summary>
    public bool ChecksContract { get; set; } = true;

    /// <summary>What the calls so far broke of the Hub's OpenAPI document, each once.</summary>
    public async Task<IReadOnlyList<string>> ContractBreachesAsync()
    {
        if (_calls.Exchanges.IsEmpty)
        {
            return [];
        }

        using var anonymous = new HttpClient { BaseAddress = Host.BaseUrl };
        var contract = OpenApiContract.Read(await anonymous.GetStringAsync(new Uri("/api/v1/openapi.json", UriKind.Relative)));
        return [.. _calls.Exchanges.SelectMany(contract.Check).Distinct(StringComparer.Ordinal)];
    }

    public async ValueTask DisposeAsync()
    {
        var breaches = ChecksContract ? await ContractBreachesAsync() : [];
        Control.Dispose();
        Api.Dispose();
        await Host.DisposeAsync();
        if (_ownsDataDirectory)
        {
            TemporaryFolder.Delete(DataDirectory);
        }

        if (breaches.Count > 0)
        {
            throw new OpenApiContractException(breaches);
        }
    }
}
