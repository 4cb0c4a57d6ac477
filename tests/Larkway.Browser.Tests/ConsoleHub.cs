using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Larkway.Hub;

namespace Larkway.Browser.Tests;

/// <summary>A Hub in sandbox mode (real Kestrel, its embedded Emulator, a temp SQLite file) and a fresh browser context on it.</summary>
internal sealed class ConsoleHub : IAsyncDisposable
{
    public const string AdminKey = "browser-test-admin-key-0123456789";

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _cspViolations = new();

    private readonly string _dataDirectory;

    private ConsoleHub(HubHost host, string dataDirectory, IBrowserContext context, IPage page)
    {
        _dataDirectory = dataDirectory;
        Host = host;
        Context = context;
        Page = page;
    }

    public HubHost Host { get; }

    /// <summary>What the browser refused under the console's CSP (an inline script or style, a foreign source); expected empty.</summary>
    public IReadOnlyCollection<string> CspViolations => _cspViolations;

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public string Url(string path) => new Uri(Host.BaseUrl, path).ToString();

    /// <summary>Starts the Hub (sandbox mode unless <paramref name="settings"/> name an app, e.g. an external Emulator's) and a browser context.</summary>
    public static async Task<ConsoleHub> StartAsync(IBrowser browser, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("larkway-browser-").FullName;
        var values = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["Larkway:Storage:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "larkway.db")}",
            ["Larkway:AdminKey"] = AdminKey,
            ["Larkway:Bootstrap:SecretsFile"] = Path.Combine(dataDirectory, "first-start-secrets.txt"),

            // The sandbox's people keep the directory's order (Feishu first) unless a test asks for theirs: a test that
            // sends to bob@example.com expects Feishu, and the directory sync they start would race a test's own.
            ["Larkway:Sandbox:People"] = "false",

            // The sandbox's assistant would take every message no command claims; a test that wants it asks for it.
            ["Larkway:Sandbox:Assistant"] = "false",

            // The sandbox app's WeCom AI bot holds a long connection and its lease; a test that wants it asks for it.
            ["Larkway:Sandbox:WeComAiBot"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var host = await HubApp.StartAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            builder.Logging.ClearProviders();
        });
        var context = await browser.NewContextAsync();
        // Hang guards only (the machine may be busy); every wait ends as soon as its condition holds.
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        var page = await context.NewPageAsync();
        var hub = new ConsoleHub(host, dataDirectory, context, page);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                hub._cspViolations.Enqueue(message.Text);
            }
        };
        return hub;
    }

    /// <summary>Signs in through the form with the password the Hub generated at this start.</summary>
    public async Task SignInAsync()
    {
        await Page.GotoAsync(Url("/console/sign-in"));
        await Page.GetByLabel("Password").FillAsync(Host.BootstrapAdminPassword!);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Dashboard");
    }

    public HttpClient Api(string? bearer)
    {
        var client = new HttpClient { BaseAddress = Host.BaseUrl };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await Host.DisposeAsync();

        // The Hub's own temporary folder: a suite run starts dozens, and none is left behind.
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
