using System.Globalization;
using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Hub.Approvals;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Configuration;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// The sandbox's part of the start banner: what a first-time user needs without reading docs — the Emulator to chat
/// in, the people there (notifications find them by email), the sandbox app's credentials for the CLI, and one
/// notification to send. The credentials go through <see cref="HubConsole"/>: printed on a terminal, else to the
/// secrets file, as every secret the Hub shows.
/// </summary>
internal static partial class SandboxGuide
{
    /// <summary>The built-in type the banner's example sends (its template's fields are all in <see cref="NotificationBody"/>).</summary>
    public const string ExampleType = "purchase_order.created";

    /// <summary>What the guide knows of the admin key its example requests need.</summary>
    /// <param name="Key">Made by this start: it joins the export lines, so the example works as pasted.</param>
    /// <param name="IsConfigured">Chosen by the operator (never echoed).</param>
    /// <param name="ShownAt">Made by an earlier start: where it was shown (<see cref="HubConsole.SecretDestination"/>), if recorded.</param>
    internal sealed record AdminKey(string? Key, bool IsConfigured, string? ShownAt)
    {
        public static AdminKey Configured { get; } = new(null, true, null);

        public static AdminKey Generated(string key) => new(key, false, null);

        public static AdminKey Earlier(string? shownAt) => new(null, false, shownAt);
    }

    /// <summary>The number words the "one notification" example says its platforms with.</summary>
    private static readonly string[] Counted = ["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>
    /// Writes the guide: plain lines, or with a JSON log one event (<see cref="LogEvents.HubAppSandboxReady"/>) with the
    /// same facts as fields.
    /// </summary>
    /// <param name="platforms">Each platform's part of the banner (<see cref="SandboxPlatforms.BannersAsync"/>), in registration order.</param>
    public static async Task WriteAsync(HubConsole console, EmulatorServer emulator, HubSettings settings, Uri hub, TimeProvider time, CancellationToken cancellationToken, BitableSync.BitableSyncRow? sampleSync = null, AdminKey? key = null, IReadOnlyList<SandboxPlatformBanner>? platforms = null, Assistants.Configuration.AssistantInfo? assistant = null)
    {
        platforms ??= [];
        var asking = AssistantLines(assistant, platforms);
        key ??= AdminKey.Configured;
        var adminKey = key.Key;
        var exports = new List<string>
        {
            $"    export FEISHU_APP_ID={settings.AppId}",
            $"    export FEISHU_APP_SECRET={settings.AppSecret}",
            $"    export FEISHU_BASE_URL={emulator.BaseUrl}",
            $"    export FEISHU_ENCRYPT_KEY={settings.EncryptKey}          # the Emulator encrypts the events it sends with it; kept with its state",
            $"    export FEISHU_VERIFICATION_TOKEN={settings.VerificationToken}",
        };
        if (adminKey is not null)
        {
            exports.Add($"    export LARKWAY_ADMIN_KEY={adminKey}          # the Hub's admin key, for the requests below");
        }

        var users = emulator.State.Users.Where(u => !string.IsNullOrEmpty(u.Email)).ToList();
        var approvalsPage = new Uri(emulator.BaseUrl, "/approvals");
        if (console.Log is { } log)
        {
            await console.ShowSecretLinesAsync(AppLabel(adminKey is not null), exports, cancellationToken).ConfigureAwait(false);
            LogReady(
                log,
                emulator.BaseUrl,
                emulator.StateFile,
                string.Join(", ", users.Select(u => $"{u.Name} <{u.Email}>")),
                AdminKeyStep(console, key),
                Curl(hub, time),
                approvalsPage,
                sampleSync?.Id,
                sampleSync is null ? null : WireName(sampleSync.State),
                sampleSync is null ? null : new Uri(hub, "/console/bitable-syncs/" + sampleSync.Id),
                platforms.SelectMany(p => p.Banner.Lines).Select(l => l.Trim()).ToList() is { Count: > 0 } chats ? string.Join(" ", chats) : "none",
                asking.Count == 0 ? "none" : string.Join(" ", asking.Select(l => l.Trim())));
            return;
        }

        var output = console.Out;
        await output.WriteLineAsync($"Sandbox: the embedded Feishu Emulator runs at {emulator.BaseUrl}").ConfigureAwait(false);
        if (emulator.HttpsBaseUrl is { } https && emulator.Tls is { } tls)
        {
            // For clients that only speak TLS: the same over https/wss, and the one file to trust.
            await output.WriteLineAsync($"  and over TLS at {https} (https, wss): trust {tls.AuthorityFile} (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE; docs/emulator.md \"TLS\").").ConfigureAwait(false);
        }

        await output.WriteLineAsync("  open it, pick a chat and write \"/help\" to the bot (@-mention it in groups); each user below has a direct chat with it.").ConfigureAwait(false);
        if (emulator.StateFile is { } stateFile)
        {
            await output.WriteLineAsync($"  its chats, messages and approvals are kept in {stateFile} across restarts (delete the file for a fresh sandbox).").ConfigureAwait(false);
        }

        await output.WriteLineAsync("  users (notifications and approvals find them by email):").ConfigureAwait(false);
        var width = users.Count == 0 ? 0 : users.Max(u => u.Name.Length);
        foreach (var user in users)
        {
            await output.WriteLineAsync($"    {user.Name.PadRight(width)}  {user.Email}").ConfigureAwait(false);
        }

        await console.ShowSecretLinesAsync(AppLabel(adminKey is not null), exports, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"  send a notification to Alice ({AdminKeyStep(console, key)}):").ConfigureAwait(false);
        if (SetsAdminKeyFromFile(console, key))
        {
            await output.WriteLineAsync($"    {EvalExports(console)}").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"    {Curl(hub, time)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  then open the Emulator's chat \"Direct: {emulator.State.Apps[0].BotName} ↔ Alice Chen\" for the card; the console's Notifications page, {new Uri(hub, "/console/notifications")}, shows the send.").ConfigureAwait(false);
        await output.WriteLineAsync("  ask for an approval as Alice (docs/hub-approvals.md). Payment: Bob, then Carol and Dave decide:").ConfigureAwait(false);
        await output.WriteLineAsync($"    {ApprovalCurl(hub, PaymentBody(time))}").ConfigureAwait(false);
        await output.WriteLineAsync("  General request: you pick the approvers of its self-select node 'approvers', who decide one after another:").ConfigureAwait(false);
        await output.WriteLineAsync($"    {ApprovalCurl(hub, GeneralRequestBody(time))}").ConfigureAwait(false);
        await output.WriteLineAsync($"  then decide as Bob (and the others) on the Emulator's approvals page, {approvalsPage}, or on the card the bot sends them; the console's Approvals page follows it.").ConfigureAwait(false);
        foreach (var line in platforms.SelectMany(p => p.Banner.Lines))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        // The example needs each platform's app to reach its person; the requisition names the sandbox's people.
        if (platforms.Count > 1 && platforms.All(p => p.Banner.ReachesPerson))
        {
            var count = platforms.Count < Counted.Length ? Counted[platforms.Count] : platforms.Count.ToString(CultureInfo.InvariantCulture);
            var reached = platforms.Select((p, i) => $"{p.Platform.Person.Name}{(i == 0 ? " is reached" : "")} on {p.DisplayName}").ToList();
            await output.WriteLineAsync($"  one notification, {count} platforms: {string.Join(", ", reached.SkipLast(1))} and {reached[^1]} (their preferred platforms,").ConfigureAwait(false);
            await output.WriteLineAsync($"    set on their directory pages); a requisition to all {count} — each presses Approve where they are:").ConfigureAwait(false);
            await output.WriteLineAsync($"    {ThreePlatformsCurl(hub, time)}").ConfigureAwait(false);
        }

        foreach (var line in asking)
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        if (sampleSync is { } sync)
        {
            var page = new Uri(hub, "/console/bitable-syncs/" + sync.Id);
            await output.WriteLineAsync(sync.State == BitableSync.SyncState.Paused
                ? $"  a Bitable sync sample, paused: {sync.TableName} in {SampleFile(emulator)} ⇄ the Emulator's Orders base. Open {page}, press Dry run, then Resume;"
                : $"  a Bitable sync sample, active (every {sync.IntervalSeconds} s and on Bitable's events): {sync.TableName} in {SampleFile(emulator)} ⇄ the Emulator's Orders base ({page});").ConfigureAwait(false);
            await output.WriteLineAsync($"    then edit a row at {new Uri(emulator.BaseUrl, "/bitable/" + sync.AppToken)} or in the file (docs/hub-bitable-sync.md).").ConfigureAwait(false);
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Who the sandbox's assistant is and how to ask it on each platform it answers on (which Emulator page, what to
    /// write: each platform's <see cref="SandboxBanner.AskLine"/>); nothing when it is missing or disabled. Apps an
    /// administrator added are left to them.
    /// </summary>
    internal static IReadOnlyList<string> AssistantLines(Assistants.Configuration.AssistantInfo? assistant, IReadOnlyList<SandboxPlatformBanner> platforms)
    {
        if (assistant is not { Enabled: true })
        {
            return [];
        }

        var lines = platforms.Select(p => p.Banner.AskLine).OfType<string>().ToList();
        if (lines.Count == 0)
        {
            return [];
        }

        lines.Insert(0, $"  the assistant '{assistant.DisplayName}' ({assistant.Name}) answers what no bot command claims, from the Emulator's stand-in AI service (no model needed);");
        lines.Insert(1, "    ask it anything, e.g. \"How do I claim travel expenses?\"; /new starts over, /stop stops an answer, /link links an account (/help lists them):");
        return lines;
    }

    private static string AppLabel(bool withAdminKey) =>
        $"  the sandbox app{(withAdminKey ? " and the admin key" : "")}, for the larkway CLI, curl or your own code (paste in another shell: with FEISHU_APP_ID set, scripts/run.sh serves that app instead of starting a sandbox)";

    /// <summary>
    /// How LARKWAY_ADMIN_KEY gets set before the example request: by the export lines just printed; from the secrets file
    /// (whose sandbox export lines hold it since the start that made it); or, when the key was printed at an earlier
    /// start or the file no longer holds it, by the reader, told where it went and how to choose one instead.
    /// </summary>
    private static string AdminKeyStep(HubConsole console, AdminKey key)
    {
        if (key.IsConfigured)
        {
            return "the admin key you configured: export LARKWAY_ADMIN_KEY in the shell you paste into";
        }

        if (console.PrintsSecrets && key.Key is not null)
        {
            return "the export lines above set LARKWAY_ADMIN_KEY: paste them first";
        }

        if (SetsAdminKeyFromFile(console, key))
        {
            return console.Log is null
                ? $"first set LARKWAY_ADMIN_KEY and the FEISHU_ variables from {HubConsole.ForDisplay(console.SecretsFile)}, as the next line does"
                : EvalExports(console);
        }

        var where = HubConsole.Describe(key.ShownAt, HubAdminKey.Label) ?? $"was shown at the first start (on standard output or in {HubConsole.ForDisplay(console.SecretsFile)})";
        return $"first export LARKWAY_ADMIN_KEY=<the admin key>: it {where}; set LARKWAY_ADMIN_KEY before starting the Hub to choose it";
    }

    /// <summary>
    /// Whether the example's first step takes LARKWAY_ADMIN_KEY from the secrets file's export lines: a key the Hub made
    /// and did not just print, in a file that still has its export line (written off a terminal, or kept as the sandbox's
    /// key store on one). A file deleted since is not pointed at: the step then says where the key went instead.
    /// </summary>
    private static bool SetsAdminKeyFromFile(HubConsole console, AdminKey key) =>
        !key.IsConfigured && !(console.PrintsSecrets && key.Key is not null) && (!console.PrintsSecrets || console.KeepsFile) && ExportsAdminKey(console);

    /// <summary>Whether the secrets file has an export line for the admin key (written by a start that knew it).</summary>
    private static bool ExportsAdminKey(HubConsole console)
    {
        try
        {
            return File.Exists(console.SecretsFile) && File.ReadLines(console.SecretsFile).Any(l => l.TrimStart().StartsWith("export LARKWAY_ADMIN_KEY=", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A line a shell runs (in any folder) to take every export line of the secrets file, the last value of each winning: no secret in it.</summary>
    private static string EvalExports(HubConsole console) =>
        $"eval \"$(grep -h '^ *export ' '{console.SecretsFile.Replace("'", "'\\''", StringComparison.Ordinal)}')\"";

    private static string WireName(BitableSync.SyncState state) => state == BitableSync.SyncState.Paused ? "paused" : "active";

    [LoggerMessage(EventId = LogEvents.HubAppSandboxReady, Level = LogLevel.Information,
        Message = "Sandbox: the embedded Feishu Emulator runs at {EmulatorUrl} (state file {StateFile}); users {Users}; LARKWAY_ADMIN_KEY: {AdminKeyStep}; send a notification: {NotificationExample}; approvals at {ApprovalsPage}; Bitable sync sample {SampleSyncId} is {SampleSyncState} ({SampleSyncPage}); platforms: {PlatformChats}; assistant: {Assistant}")]
    private static partial void LogReady(ILogger logger, Uri emulatorUrl, string? stateFile, string users, string adminKeyStep, string notificationExample, Uri approvalsPage, string? sampleSyncId, string? sampleSyncState, Uri? sampleSyncPage, string platformChats, string assistant);

    private static string SampleFile(EmulatorServer emulator) =>
        emulator.StateFile is { } state ? Path.Combine(Path.GetDirectoryName(state) ?? ".", "sample-erp.db") : "sample-erp.db";

    /// <summary>The example request; its idempotency key is this start's, so pasting it after a restart sends again.</summary>
    internal static string Curl(Uri hub, TimeProvider time) =>
        $"curl -sS {new Uri(hub, "/api/v1/notifications")} -H \"Authorization: Bearer $LARKWAY_ADMIN_KEY\" -H 'Content-Type: application/json' -d '{NotificationBody(time)}'";

    /// <summary>A requisition from the procurement pack to Alice, Carol and (as its approver) Bob, each on their own platform.</summary>
    internal static string ThreePlatformsCurl(Uri hub, TimeProvider time) =>
        $"curl -sS {new Uri(hub, "/api/v1/notifications")} -H \"Authorization: Bearer $LARKWAY_ADMIN_KEY\" -H 'Content-Type: application/json' -d '{ThreePlatformsBody(time)}'";

    internal static string ThreePlatformsBody(TimeProvider time) => new JsonObject
    {
        ["type"] = "requisition.submitted",
        ["idempotency_key"] = KeyOf("sandbox-three-", time),
        ["data"] = new JsonObject
        {
            ["requisition"] = new JsonObject { ["number"] = "PR-2026-0042", ["title"] = "Laptops for the new hires", ["amount"] = "CNY 48,000.00", ["url"] = "https://erp.example.com/pr/42" },
            ["requester"] = new JsonObject { ["name"] = "Alice Chen", ["email"] = "alice@example.com" },
            ["approver"] = new JsonObject { ["name"] = "Bob Li", ["email"] = "bob@example.com" },
        },
        ["recipients"] = new JsonArray(new JsonObject { ["email"] = "alice@example.com" }, new JsonObject { ["email"] = "carol@example.com" }),
    }.ToJsonString();

    internal static string ApprovalCurl(Uri hub, string body) =>
        $"curl -sS {new Uri(hub, "/api/v1/approvals")} -H \"Authorization: Bearer $LARKWAY_ADMIN_KEY\" -H 'Content-Type: application/json' -d '{body}'";

    /// <summary>
    /// A platform's approval request for its banner lines (<see cref="SandboxBanner.Lines"/>): <paramref name="body"/> with an
    /// idempotency key new at each start (<paramref name="keyPrefix"/> and the time), so pasting it after a restart asks again.
    /// </summary>
    internal static string ApprovalCurl(SandboxStart start, JsonObject body, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(body);
        body["idempotency_key"] = KeyOf(keyPrefix, start.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System);
        return ApprovalCurl(start.HubBaseUrl, body.ToJsonString());
    }

    /// <summary>The sample Payment definition's request (its form: amount, reason, payment method).</summary>
    internal static string PaymentBody(TimeProvider time)
    {
        // The API document's example, with a reference of its own and a key new at each start (so a second start sends again).
        var body = ApprovalCreateBody.Example;
        body["reference"] = "PAY-1001";
        body["idempotency_key"] = KeyOf("sandbox-payment-", time);
        return body.ToJsonString();
    }

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
