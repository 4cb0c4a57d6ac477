using System.CommandLine;
using Larkway.Cli.Infrastructure;
using Larkway.Emulator.Hosting;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway emulator</c>: runs the local Open Platform until interrupted.</summary>
internal static class EmulatorCommand
{
    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one)", DefaultValueFactory = _ => 8787 };
        var appId = new Option<string?>("--app-id") { Description = "App ID to register (default printed at start)" };
        var appSecret = new Option<string?>("--app-secret") { Description = "App secret to register (default printed at start)" };
        var seed = new Option<FileInfo?>("--seed") { Description = "JSON seed file: tenant, users, departments, chats, bots, webhooks" };
        var stateFile = new Option<FileInfo?>("--state-file") { Description = "Keep the tenant (chats, messages, approvals…) in this JSON file across restarts; created when missing" };
        var httpsPort = new Option<int?>("--https-port") { Description = "Also serve everything over https/wss on this port (0 picks a free one), with a certificate the emulator makes and keeps; off by default" };
        var dingTalkApiPort = new Option<int?>("--dingtalk-api-port") { Description = "Also serve DingTalk's API at the root of this port (0 picks a free one), as api.dingtalk.com and oapi.dingtalk.com do, for clients that take only a host such as @alicloud/dingtalk; off by default (DingTalk is always under /dingtalk)" };
        var tlsHosts = new Option<string[]>("--tls-host") { Description = "A host name or address the TLS certificate names besides localhost, 127.0.0.1 and ::1 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var tlsFolder = new Option<DirectoryInfo?>("--tls-folder") { Description = "Where the TLS certificate authority and key are kept (default: the state file's folder, else a per-user folder)" };
        var command = new Command("emulator", "Run the local Feishu Open Platform emulator.") { port, appId, appSecret, seed, stateFile, httpsPort, dingTalkApiPort, tlsHosts, tlsFolder };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var options = new EmulatorOptions { Port = parse.GetValue(port) };
            if (parse.GetValue(appId) is { } id)
            {
                options.AppId = id;
            }

            if (parse.GetValue(appSecret) is { } secret)
            {
                options.AppSecret = secret;
            }

            if (parse.GetValue(seed) is { } seedFile)
            {
                if (!seedFile.Exists)
                {
                    throw new CliException($"--seed: file not found: {seedFile.FullName}");
                }

                options.SeedFile = seedFile.FullName;
            }

            options.StateFile = parse.GetValue(stateFile)?.FullName;
            options.HttpsPort = parse.GetValue(httpsPort);
            options.DingTalkApiPort = parse.GetValue(dingTalkApiPort);
            options.TlsHostNames = parse.GetValue(tlsHosts) ?? [];
            options.TlsFolder = parse.GetValue(tlsFolder)?.FullName;
            EmulatorServer server;
            try
            {
                server = await EmulatorServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (EmulatorStateFileException ex)
            {
                throw new CliException("--state-file: " + ex.Message);
            }
            catch (EmulatorTlsException ex)
            {
                throw new CliException("--https-port: " + ex.Message);
            }

            await using var running = server.ConfigureAwait(false);
            // The emulator logs its own "listening on" line; this block is what to do next.
            await context.Output.WriteLineAsync($"  web view:   {server.BaseUrl}").ConfigureAwait(false);
            if (options.SeedFile is null)
            {
                await context.Output.WriteLineAsync($"  approvals:  {server.BaseUrl}approvals (Payment {Larkway.Emulator.Seed.DefaultApprovals.PaymentCode}, General request {Larkway.Emulator.Seed.DefaultApprovals.GeneralRequestCode})").ConfigureAwait(false);
                await context.Output.WriteLineAsync($"  docs:       {server.BaseUrl}docx (wiki spaces Employee Handbook {Larkway.Emulator.Seed.DefaultDocs.HandbookSpaceId}, People Ops {Larkway.Emulator.Seed.DefaultDocs.PeopleOpsSpaceId})").ConfigureAwait(false);
            }

            if (server.StateFile is { } kept)
            {
                await context.Output.WriteLineAsync($"  state file: {kept} (delete it to start from the seed again)").ConfigureAwait(false);
            }

            if (server.HttpsBaseUrl is { } https && server.Tls is { } tls)
            {
                await WriteTlsAsync(context.Output, https, tls.AuthorityFile).ConfigureAwait(false);
            }

            if (server.DingTalkApiBaseUrl is { } dingTalkApi)
            {
                await context.Output.WriteLineAsync($"  DingTalk:   {dingTalkApi} (DingTalk's paths at the root; @alicloud/dingtalk: protocol http, endpoint {dingTalkApi.Authority})").ConfigureAwait(false);
            }

            await context.Output.WriteLineAsync($"  app id:     {options.AppId}").ConfigureAwait(false);
            // Only the built-in development secret is echoed; a secret the user chose is never printed.
            var shownSecret = parse.GetValue(appSecret) is null ? options.AppSecret : "(as given)";
            await context.Output.WriteLineAsync($"  app secret: {shownSecret}").ConfigureAwait(false);
            await context.Output.WriteLineAsync($"  try: larkway send --base-url {server.BaseUrl} --app-id {options.AppId} --app-secret {shownSecret} --to email:alice@example.com --text hello").ConfigureAwait(false);
            await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: System.CommandLine cancels the token; stop cleanly.
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Where TLS is served and how each kind of client trusts the kept authority (once: it is reused on every start).</summary>
    private static async Task WriteTlsAsync(TextWriter output, Uri https, string authorityFile)
    {
        await output.WriteLineAsync($"  https/wss:  {https} (certificate authority: {authorityFile})").ConfigureAwait(false);
        await output.WriteLineAsync($"  trust it:   Node: NODE_EXTRA_CA_CERTS={authorityFile}").ConfigureAwait(false);
        await output.WriteLineAsync($"              Python: SSL_CERT_FILE={authorityFile} REQUESTS_CA_BUNDLE={authorityFile}").ConfigureAwait(false);
        await output.WriteLineAsync($"              Debian: sudo cp {authorityFile} /usr/local/share/ca-certificates/larkway-emulator.crt && sudo update-ca-certificates").ConfigureAwait(false);
    }
}
