using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Hub.Contract;

/// <summary>
/// Clients generated from the running Hub's OpenAPI document work, as a business system would generate them: a C# client
/// by Kiota (tests/compat/kiota-client) and a TypeScript one by openapi-typescript with openapi-fetch, compiled by tsc
/// (tests/compat/openapi-client). Each drives the Hub through a webhook subscription, a notification, a refused request
/// and an approval; what each reports is checked against the Emulator and the webhook receiver, and every call it made is
/// checked against the document by <see cref="HubSandbox"/>. scripts/install-test-deps.sh installs both generators.
/// </summary>
public sealed class GeneratedClientTests
{
    private static readonly string KiotaDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "kiota-client");
    private static readonly string TypeScriptDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "openapi-client");

    /// <summary>Generating and compiling a client is a build: a hang guard only, nothing asserts on time.</summary>
    private static readonly TimeSpan BuildGuard = TimeSpan.FromMinutes(5);

    /// <summary>Kiota checks GitHub for a newer version of itself; the tests run without the internet.</summary>
    private static readonly Dictionary<string, string> Offline = new() { ["KIOTA_OFFLINE_ENABLED"] = "true" };

    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Larkway:Webhooks:PollInterval"] = "00:00:00.050",
        ["Larkway:Approvals:PollInterval"] = "00:00:00.050",
    };

    [Fact]
    public async Task A_CSharp_client_generated_by_Kiota_sends_a_notification_an_approval_and_subscribes_a_webhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Fast);
        var document = await DocumentAsync(hub);
        IReadOnlyDictionary<string, JsonElement> lines;

        // Generated and built outside the repository: its files are the repository's own, read by other tests as they run.
        var work = Directory.CreateTempSubdirectory("larkway-kiota-").FullName;
        try
        {
            var client = Path.Combine(work, "client");
            await RunAsync(
                "dotnet",
                ["kiota", "generate", "--language", "CSharp", "--openapi", document, "--output", client, "--namespace-name", "Larkway.HubClient",
                 "--class-name", "HubApiClient", "--exclude-backward-compatible"],
                RepoPaths.Root,
                Offline);
            await RunAsync("dotnet", ["build", KiotaDirectory, "-c", "Release", $"-p:HubClientDirectory={client}", "--artifacts-path", Path.Combine(work, "build")], RepoPaths.Root);
            var driver = Directory.EnumerateFiles(Path.Combine(work, "build"), "HubClientDriver.dll", SearchOption.AllDirectories).Single(f => f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
            lines = await RunAsync("dotnet", [driver, .. Arguments(hub, receiver, "kiota")], work);
        }
        finally
        {
            TemporaryFolder.Delete(work);
        }

        await ShouldHaveDrivenAsync(hub, receiver, lines, "kiota");
    }

    [Fact]
    public async Task A_TypeScript_client_generated_by_openapi_typescript_sends_a_notification_an_approval_and_subscribes_a_webhook()
    {
        Directory.Exists(Path.Combine(TypeScriptDirectory, "node_modules", "openapi-typescript"))
            .ShouldBeTrue("run scripts/install-test-deps.sh: it installs tests/compat/openapi-client's npm packages");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Fast);
        var document = await DocumentAsync(hub);

        // A copy of the driver outside the repository, beside the installed packages, gets the generated types.
        var work = Directory.CreateTempSubdirectory("larkway-openapi-typescript-").FullName;
        IReadOnlyDictionary<string, JsonElement> lines;
        try
        {
            foreach (var file in new[] { "drive.ts", "tsconfig.json", "package.json" })
            {
                File.Copy(Path.Combine(TypeScriptDirectory, file), Path.Combine(work, file));
            }

            Directory.CreateSymbolicLink(Path.Combine(work, "node_modules"), Path.Combine(TypeScriptDirectory, "node_modules"));
            await RunAsync("node", ["node_modules/openapi-typescript/bin/cli.js", document, "--output", "generated/hub-api.ts"], work);

            // tsc with strict checks: a body or an answer used against the generated types fails here, before anything runs.
            await RunAsync("node", ["node_modules/typescript/bin/tsc", "-p", "."], work);
            lines = await RunAsync("node", ["out/drive.js", .. Arguments(hub, receiver, "typescript")], work);
        }
        finally
        {
            TemporaryFolder.Delete(work);
        }

        await ShouldHaveDrivenAsync(hub, receiver, lines, "typescript");
    }

    /// <summary>The running Hub's own document, saved where a generator reads it.</summary>
    private static async Task<string> DocumentAsync(HubSandbox hub)
    {
        var path = Path.Combine(hub.DataDirectory, "openapi.json");
        await File.WriteAllTextAsync(path, await hub.Api.GetStringAsync(new Uri("/api/v1/openapi.json", UriKind.Relative)));
        return path;
    }

    private static string[] Arguments(HubSandbox hub, WebhookReceiver receiver, string run) =>
        [hub.Host.BaseUrl.ToString(), HubSandbox.AdminKey, receiver.Url("/approvals").ToString(), DefaultApprovals.PaymentCode, run];

    /// <summary>What the driver printed, checked against what the Emulator and the receiver saw.</summary>
    private static async Task ShouldHaveDrivenAsync(HubSandbox hub, WebhookReceiver receiver, IReadOnlyDictionary<string, JsonElement> lines, string run)
    {
        lines["webhook"].GetProperty("secret").GetBoolean().ShouldBeTrue("the subscription's secret in the Standard Webhooks form");

        var notification = lines["notification"];
        notification.GetProperty("status").GetString().ShouldBe("sent");
        var message = hub.State.FindMessage(notification.GetProperty("message_id").GetString()!).ShouldNotBeNull();
        message.Content.ShouldContain($"Purchase order PO-4711 ({run})");

        var problem = lines["problem"];
        problem.GetProperty("problem").GetInt32().ShouldBe(400);
        problem.GetProperty("fields").EnumerateArray().Select(f => f.GetString()).ShouldBe(["type"]);

        var approval = lines["approval"];
        approval.GetProperty("status").GetString().ShouldBe("pending");
        var instance = hub.Emulator.Approvals.FindInstance(approval.GetProperty("instance_code").GetString()!).ShouldNotBeNull();
        instance.ApprovalCode.ShouldBe(DefaultApprovals.PaymentCode);

        var delivery = lines["delivery"];
        delivery.GetProperty("status").GetString().ShouldBe("delivered");
        var eventId = delivery.GetProperty("event_id").GetString()!;
        var received = receiver.At("/approvals").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        received.ShouldContain(
            body => body.GetProperty("id").GetString() == eventId && body.GetProperty("type").GetString() == "larkway.approval.submitted",
            $"the receiver got {received.Count} webhooks");

        (await hub.ContractBreachesAsync()).ShouldBeEmpty();
    }

    /// <summary>Runs a step; it must succeed. Its stdout's JSON lines by their first member (a driver's report).</summary>
    private static async Task<IReadOnlyDictionary<string, JsonElement>> RunAsync(
        string fileName, IEnumerable<string> arguments, string directory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var step = await ProcessRunner.RunAsync(fileName, arguments, directory, BuildGuard, environment);
        step.ExitCode.ShouldBe(0, $"{fileName} {string.Join(' ', arguments)}\n{step.Output}\n{step.Error}");
        var lines = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var line in step.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('{')))
        {
            var report = JsonDocument.Parse(line).RootElement;
            lines[report.EnumerateObject().First().Name] = report.Clone();
        }

        return lines;
    }
}
