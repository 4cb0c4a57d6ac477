using System.Globalization;
using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Configuration;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// The sandbox's part of the start banner: what a first-time user needs without reading docs — the Emulator to chat
/// in, the people there (notifications find them by email), the sandbox app's credentials for the CLI, and one
/// notification to send. The credentials go through <see cref="HubConsole"/>: printed on a terminal, else to the
/// secrets file, as every secret the Hub shows.
/// </summary>
internal static class SandboxGuide
{
    /// <summary>The built-in type the banner's example sends (its template's fields are all in <see cref="NotificationBody"/>).</summary>
    public const string ExampleType = "purchase_order.created";

    public static async Task WriteAsync(HubConsole console, EmulatorServer emulator, HubSettings settings, Uri hub, TimeProvider time, CancellationToken cancellationToken, BitableSync.BitableSyncRow? sampleSync = null)
    {
        var output = console.Out;
        await output.WriteLineAsync($"Sandbox: the embedded Feishu Emulator runs at {emulator.BaseUrl}").ConfigureAwait(false);
        await output.WriteLineAsync("  open it, pick a chat and write \"/help\" to the bot (@-mention it in groups); each user below has a direct chat with it.").ConfigureAwait(false);
        if (emulator.StateFile is { } stateFile)
        {
            await output.WriteLineAsync($"  its chats, messages and approvals are kept in {stateFile} across restarts (delete the file for a fresh sandbox).").ConfigureAwait(false);
        }

        await output.WriteLineAsync("  users (notifications and approvals find them by email):").ConfigureAwait(false);
        var users = emulator.State.Users.Where(u => !string.IsNullOrEmpty(u.Email)).ToList();
        var width = users.Count == 0 ? 0 : users.Max(u => u.Name.Length);
        foreach (var user in users)
        {
            await output.WriteLineAsync($"    {user.Name.PadRight(width)}  {user.Email}").ConfigureAwait(false);
        }

        await console.ShowSecretLinesAsync(
            "  the sandbox app, for the larkway CLI or your own code (paste in another shell: with FEISHU_APP_ID set, scripts/run.sh serves that app instead of starting a sandbox)",
            [
                $"    export FEISHU_APP_ID={settings.AppId}",
                $"    export FEISHU_APP_SECRET={settings.AppSecret}",
                $"    export FEISHU_BASE_URL={emulator.BaseUrl}",
                $"    export FEISHU_ENCRYPT_KEY={settings.EncryptKey}          # this start's: the Emulator encrypts the events it sends with it",
                $"    export FEISHU_VERIFICATION_TOKEN={settings.VerificationToken}",
            ],
            cancellationToken).ConfigureAwait(false);

        await output.WriteLineAsync("  send a notification to Alice (LARKWAY_ADMIN_KEY: the admin key shown at the first start; set it before starting the Hub to choose it):").ConfigureAwait(false);
        await output.WriteLineAsync($"    {Curl(hub, time)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  then open the Emulator's chat \"Direct: {emulator.State.Apps[0].BotName} ↔ Alice Chen\" for the card; the console's Deliveries page shows the send.").ConfigureAwait(false);
        await output.WriteLineAsync("  ask for an approval as Alice (docs/hub-approvals.md). Payment: Bob, then Carol and Dave decide:").ConfigureAwait(false);
        await output.WriteLineAsync($"    {ApprovalCurl(hub, PaymentBody(time))}").ConfigureAwait(false);
        await output.WriteLineAsync("  General request: you pick the approvers of its self-select node 'approvers', who decide one after another:").ConfigureAwait(false);
        await output.WriteLineAsync($"    {ApprovalCurl(hub, GeneralRequestBody(time))}").ConfigureAwait(false);
        await output.WriteLineAsync($"  then decide as Bob (and the others) on the Emulator's approvals page, {new Uri(emulator.BaseUrl, "/approvals")}, or on the card the bot sends them; the console's Approvals page follows it.").ConfigureAwait(false);
        if (sampleSync is { } sync)
        {
            await output.WriteLineAsync($"  a Bitable sync sample, paused: {sync.TableName} in {SampleFile(emulator)} ⇄ the Emulator's Orders base. Open {new Uri(hub, "/console/bitable-syncs/" + sync.Id)}, press Dry run, then Resume;").ConfigureAwait(false);
            await output.WriteLineAsync($"    then edit a row at {new Uri(emulator.BaseUrl, "/bitable/" + sync.AppToken)} or in the file (docs/hub-bitable-sync.md).").ConfigureAwait(false);
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string SampleFile(EmulatorServer emulator) =>
        emulator.StateFile is { } state ? Path.Combine(Path.GetDirectoryName(state) ?? ".", "sample-erp.db") : "sample-erp.db";

    /// <summary>The example request; its idempotency key is this start's, so pasting it after a restart sends again.</summary>
    internal static string Curl(Uri hub, TimeProvider time) =>
        $"curl -sS {new Uri(hub, "/api/v1/notifications")} -H \"Authorization: Bearer $LARKWAY_ADMIN_KEY\" -H 'Content-Type: application/json' -d '{NotificationBody(time)}'";

    internal static string ApprovalCurl(Uri hub, string body) =>
        $"curl -sS {new Uri(hub, "/api/v1/approvals")} -H \"Authorization: Bearer $LARKWAY_ADMIN_KEY\" -H 'Content-Type: application/json' -d '{body}'";

    /// <summary>The sample Payment definition's request (its form: amount, reason, payment method).</summary>
    internal static string PaymentBody(TimeProvider time) => new JsonObject
    {
        ["approval_code"] = DefaultApprovals.PaymentCode,
        ["applicant"] = new JsonObject { ["email"] = "alice@example.com" },
        ["form"] = new JsonObject
        {
            ["amount"] = new JsonObject { ["value"] = 1200, ["currency"] = "CNY" },
            ["reason"] = "Team offsite",
            ["method"] = "bank",
        },
        ["reference"] = "PAY-1001",
        ["idempotency_key"] = KeyOf("sandbox-payment-", time),
    }.ToJsonString();

    /// <summary>The sample General request's request: the submitter names the approvers of its self-select node.</summary>
    internal static string GeneralRequestBody(TimeProvider time) => new JsonObject
    {
        ["approval_code"] = DefaultApprovals.GeneralRequestCode,
        ["applicant"] = new JsonObject { ["email"] = "alice@example.com" },
        ["form"] = new JsonObject { ["title"] = "New monitor", ["details"] = "27 inch, for the design review" },
        ["approvers"] = new JsonObject { ["approvers"] = new JsonArray("bob@example.com", "carol@example.com") },
        ["idempotency_key"] = KeyOf("sandbox-general-", time),
    }.ToJsonString();

    private static string KeyOf(string prefix, TimeProvider time) => prefix + time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    internal static string NotificationBody(TimeProvider time)
    {
        var key = KeyOf("sandbox-", time);
        var body = new JsonObject
        {
            ["type"] = ExampleType,
            ["idempotency_key"] = key,
            ["data"] = new JsonObject
            {
                ["po"] = new JsonObject
                {
                    ["number"] = "PO-1001",
                    ["supplier"] = "ACME Computers Ltd.",
                    ["total"] = "CNY 7,920.00",
                    ["delivery_date"] = "2026-12-01",
                    ["url"] = "https://erp.example.com/po/1001",
                },
                ["lines"] = new JsonArray(new JsonObject { ["item"] = "Laptop", ["quantity"] = 1 }),
                ["buyer"] = new JsonObject { ["email"] = "alice@example.com" },
            },
        };
        return body.ToJsonString();
    }
}
