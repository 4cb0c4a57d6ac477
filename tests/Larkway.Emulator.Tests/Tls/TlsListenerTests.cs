using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.Tests.WeCom.AiBot;
using Larkway.Emulator.WeCom.AiBot;

namespace Larkway.Emulator.Tests.Tls;

/// <summary>
/// The optional TLS listener: everything over https/wss with a certificate the emulator makes and keeps; a client that
/// trusts the kept authority file (and nothing else) connects, also after a restart.
/// </summary>
public sealed class TlsListenerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-tls-").FullName;

    [Fact]
    public async Task An_https_request_trusting_only_the_printed_authority_file_is_answered_and_stream_urls_are_wss()
    {
        await using var emulator = await StartAsync();
        var https = emulator.Server.HttpsBaseUrl!;
        Assert.Equal("https", https.Scheme);
        Assert.Equal(Path.Combine(_folder, EmulatorTls.AuthorityFileName), emulator.Server.Tls!.AuthorityFile);
        using var http = TrustingOnly(emulator.Server.Tls.AuthorityFile, https);

        // DingTalk Stream's gateway and Feishu's long-connection endpoint hand out wss:// when asked over TLS…
        using var dingTalk = await http.PostAsJsonAsync("/dingtalk/v1.0/gateway/connections/open", new
        {
            clientId = emulator.Options.DingTalkStream.ClientId,
            clientSecret = emulator.Options.DingTalkStream.ClientSecret,
            subscriptions = new[] { new { type = "CALLBACK", topic = "/v1.0/im/bot/messages/get" } },
        });
        Assert.Equal(HttpStatusCode.OK, dingTalk.StatusCode);
        Assert.Equal($"wss://{https.Authority}/dingtalk/stream/connect", (await dingTalk.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoint").GetString());

        using var feishu = await http.PostAsJsonAsync("/callback/ws/endpoint", new Dictionary<string, string> { ["AppID"] = emulator.Options.AppId, ["AppSecret"] = emulator.Options.AppSecret });
        var url = (await feishu.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("URL").GetString()!;
        Assert.StartsWith($"wss://{https.Authority}/ws/v2?", url, StringComparison.Ordinal);

        // …and ws:// over the plain listener, which keeps serving.
        using var plain = await emulator.Http.PostAsJsonAsync("/dingtalk/v1.0/gateway/connections/open", new
        {
            clientId = emulator.Options.DingTalkStream.ClientId,
            clientSecret = emulator.Options.DingTalkStream.ClientSecret,
            subscriptions = new[] { new { type = "CALLBACK", topic = "/v1.0/im/bot/messages/get" } },
        });
        Assert.StartsWith("ws://", (await plain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoint").GetString(), StringComparison.Ordinal);

        // The certificate is trusted by nothing else: a client with the system's trust refuses it.
        using var untrusting = new HttpClient { BaseAddress = https };
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("/"));
    }

    [Fact]
    public async Task The_ai_bot_subscribes_over_wss_and_receives_a_users_message()
    {
        await using var emulator = await StartAsync();
        var wss = new UriBuilder(emulator.Server.HttpsBaseUrl!) { Scheme = "wss", Path = emulator.Options.WeComAiBot.WebSocketPath }.Uri;

        await using var bot = await AiBotTestClient.SubscribedAsync(await AiBotTestClient.ConnectAsync(wss, Validator(emulator.Server.Tls!.AuthorityFile)));
        using var http = TrustingOnly(emulator.Server.Tls.AuthorityFile, emulator.Server.HttpsBaseUrl!);
        using var said = await http.PostAsJsonAsync("/_emulator/wecom/aibot/messages", new { userid = "alice", chattype = "single", msgtype = "text", text = "over TLS?" });
        said.EnsureSuccessStatusCode();

        var push = await bot.NextPushAsync(AiBotCmd.MsgCallback);
        Assert.Equal("over TLS?", (string?)push["body"]!["text"]!["content"]);
    }

    [Fact]
    public async Task A_restart_serves_the_same_certificate_and_a_new_host_name_needs_a_new_authority()
    {
        string authorityPem;
        X509Certificate2 first;
        await using (var emulator = await StartAsync())
        {
            authorityPem = await File.ReadAllTextAsync(emulator.Server.Tls!.AuthorityFile);
            Assert.True(emulator.Server.Tls.AuthorityCreated);
            first = await ServedCertificateAsync(emulator);
        }

        await using (var again = await StartAsync())
        {
            Assert.False(again.Server.Tls!.AuthorityCreated);
            Assert.False(again.Server.Tls.ServerIssued);
            Assert.Equal(authorityPem, await File.ReadAllTextAsync(again.Server.Tls.AuthorityFile));
            Assert.Equal(first.Thumbprint, (await ServedCertificateAsync(again)).Thumbprint);
        }

        // A host name the kept authority is not constrained to: it cannot vouch for it, so a new authority (to be trusted
        // again) is made for the names asked for, and the server certificate is issued from it.
        await using var renamed = await StartAsync(o => o.TlsHostNames = ["emulator.test"]);
        Assert.True(renamed.Server.Tls!.AuthorityCreated);
        Assert.True(renamed.Server.Tls.ServerIssued);
        Assert.NotEqual(authorityPem, await File.ReadAllTextAsync(renamed.Server.Tls.AuthorityFile));
        var served = await ServedCertificateAsync(renamed);
        Assert.NotEqual(first.Thumbprint, served.Thumbprint);
        var san = served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(new[] { "localhost", "emulator.test" }, san.EnumerateDnsNames().ToArray());
        Assert.Equal(new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }, san.EnumerateIPAddresses().ToArray());
    }

    [Fact]
    public async Task The_private_keys_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only
        }

        await using var emulator = await StartAsync();

        foreach (var key in new[] { EmulatorTls.AuthorityKeyFileName, EmulatorTls.ServerKeyFileName })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, key)));
        }
    }

    [Fact]
    public async Task An_unreadable_kept_certificate_stops_the_start_naming_the_file()
    {
        await using (await StartAsync())
        {
        }

        await File.WriteAllTextAsync(Path.Combine(_folder, EmulatorTls.AuthorityFileName), "not a certificate");

        var refused = await Assert.ThrowsAsync<EmulatorTlsException>(() => StartAsync());
        Assert.Contains(EmulatorTls.AuthorityFileName, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Delete both files", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_https_port_there_is_no_tls_listener_and_no_certificate()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.TlsFolder = _folder);

        Assert.Null(emulator.Server.HttpsBaseUrl);
        Assert.Null(emulator.Server.Tls);
        Assert.Empty(Directory.EnumerateFiles(_folder));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null) =>
        TestEmulator.StartAsync(o =>
        {
            o.HttpsPort = 0;
            o.TlsFolder = _folder;
            configure?.Invoke(o);
        });

    /// <summary>A client that trusts the authority in <paramref name="authorityFile"/> and nothing else.</summary>
    private static HttpClient TrustingOnly(string authorityFile, Uri baseAddress) =>
        new(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = Validator(authorityFile) } }) { BaseAddress = baseAddress };

    private static RemoteCertificateValidationCallback Validator(string authorityFile)
    {
        var authority = X509CertificateLoader.LoadCertificateFromFile(authorityFile);
        return (_, certificate, _, errors) =>
        {
            // The host name must match; only the chain is checked against the authority instead of the system's roots.
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var served = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(served);
        };
    }

    /// <summary>The certificate the TLS listener presents, as a client sees it.</summary>
    private static async Task<X509Certificate2> ServedCertificateAsync(TestEmulator emulator)
    {
        X509Certificate2? seen = null;
        var trust = Validator(emulator.Server.Tls!.AuthorityFile);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    seen = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return trust(sender, certificate, chain, errors);
                },
            },
        }) { BaseAddress = emulator.Server.HttpsBaseUrl };
        using var page = await http.GetAsync("/");
        Assert.NotNull(seen);
        return seen;
    }
}
