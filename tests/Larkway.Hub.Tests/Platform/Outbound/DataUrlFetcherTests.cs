using System.Collections.Concurrent;
using System.Net;
using Larkway.Hub.Platform.Outbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Tests.Platform.Outbound;

/// <summary>
/// Issue 28 §1: the guarded fetcher against a real file server on this machine's loopback (every address here is
/// loopback, so the server stands for the Hub's own ports, a database's HTTP port or a metadata service). A refused URL
/// never reaches it; the allowed paths are opened by <c>Larkway:Outbound</c>.
/// </summary>
public sealed class DataUrlFetcherTests : IAsyncLifetime
{
    private static readonly DataUrlLimits Limits = new(1024, TimeSpan.FromSeconds(30));

    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication _server = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.IPv6Any, 0));   // dual mode: 127.0.0.1, ::1 and ::ffff:127.0.0.1 all reach it
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.Run(async http =>
        {
            _requests.Enqueue($"{http.Request.Host}{http.Request.Path}");
            if (http.Request.Query["to"] is { Count: 1 } to)
            {
                http.Response.Redirect(to.ToString());
                return;
            }

            await http.Response.WriteAsync(http.Request.Path == "/big.bin" ? new string('x', 4096) : "secret from the inside");
        });
        await _server.StartAsync();
        _port = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("http://localhost:{port}/secret")]
    [InlineData("http://127.0.0.1:{port}/secret")]
    [InlineData("http://2130706433:{port}/secret")]
    [InlineData("http://0177.0.0.1:{port}/secret")]
    [InlineData("http://[::1]:{port}/secret")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/secret")]
    public async Task Loopback_by_name_and_by_every_way_of_writing_its_number_is_refused_before_a_request(string template)
    {
        using var services = Services();
        var url = template.Replace("{port}", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var refused = await Should.ThrowAsync<DataUrlException>(() => services.GetRequiredService<DataUrlFetcher>().FetchAsync(url, Limits, CancellationToken.None));

        refused.Message.ShouldStartWith($"{url} resolves to a private address (");
        refused.Message.ShouldContain("loopback");
        refused.Message.ShouldContain("Larkway:Outbound:AllowedHosts");
        _requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_public_looking_name_that_resolves_to_loopback_is_refused_unless_allowed_and_then_reached_at_the_address_checked()
    {
        var url = $"http://files.example.com:{_port}/invoice.pdf";
        using (var services = Services())
        {
            var refused = await Should.ThrowAsync<DataUrlException>(() => services.GetRequiredService<DataUrlFetcher>().FetchAsync(url, Limits, CancellationToken.None));
            refused.Message.ShouldBe($"{url} resolves to a private address (127.0.0.1, loopback); the Hub fetches only public addresses from synced data — allow the host with Larkway:Outbound:AllowedHosts");
            _requests.ShouldBeEmpty();
        }

        // Opened by name and port: the one connection goes to the address the fake resolver gave (no real DNS knows this name).
        using (var services = Services(("Larkway:Outbound:AllowedHosts:0", $"FILES.example.com:{_port}")))
        {
            var fetched = await services.GetRequiredService<DataUrlFetcher>().FetchAsync(url, Limits, CancellationToken.None);
            System.Text.Encoding.UTF8.GetString(fetched.Bytes).ShouldBe("secret from the inside");
            _requests.ShouldBe([$"files.example.com:{_port}/invoice.pdf"]);
        }
    }

    [Fact]
    public async Task An_allowed_host_with_a_port_opens_that_port_only_and_a_bare_host_only_80_and_443()
    {
        var url = $"http://files.example.com:{_port}/invoice.pdf";
        var otherPort = (_port == 65535 ? _port - 1 : _port + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var entry in new[] { $"files.example.com:{otherPort}", "files.example.com", "127.0.0.1" })
        {
            using var services = Services(("Larkway:Outbound:AllowedHosts:0", entry));
            var refused = await Should.ThrowAsync<DataUrlException>(() => services.GetRequiredService<DataUrlFetcher>().FetchAsync(url, Limits, CancellationToken.None));
            refused.Message.ShouldContain("(127.0.0.1, loopback)", customMessage: entry);
        }

        _requests.ShouldBeEmpty();
        using (var services = Services(("Larkway:Outbound:AllowedHosts:0", $"[::ffff:127.0.0.1]:{_port}")))
        {
            var fetched = await services.GetRequiredService<DataUrlFetcher>().FetchAsync($"http://127.0.0.1:{_port}/invoice.pdf", Limits, CancellationToken.None);
            fetched.Bytes.Length.ShouldBeGreaterThan(0, "an address entry matches the same address in another notation, on its port");
            _requests.ShouldBe([$"127.0.0.1:{_port}/invoice.pdf"]);
        }

        // A bare host is the web's default ports (no listener here may take them: the rule is read from the options).
        using var bare = Services(("Larkway:Outbound:AllowedHosts:0", "files.example.com"), ("Larkway:Outbound:AllowedHosts:1", "[fd00::5]:8443"));
        var options = bare.GetRequiredService<IOptions<OutboundOptions>>().Value;
        options.Allows("files.example.com", 443).ShouldBeTrue();
        options.Allows("files.example.com", 80).ShouldBeTrue();
        options.Allows("files.example.com", 8080).ShouldBeFalse();
        options.Allows("[fd00::5]", 8443).ShouldBeTrue();
        options.Allows("[fd00::5]", 443).ShouldBeFalse();
    }

    [Fact]
    public async Task A_name_with_one_private_address_among_public_ones_is_refused()
    {
        using var services = Services();
        var refused = await Should.ThrowAsync<DataUrlException>(() => services.GetRequiredService<DataUrlFetcher>().FetchAsync($"https://mixed.example.com:{_port}/a.pdf", Limits, CancellationToken.None));
        refused.Message.ShouldContain("(169.254.169.254, link-local)");
    }

    [Fact]
    public async Task A_redirect_from_an_allowed_server_to_loopback_is_refused_at_the_hop()
    {
        using var services = Services(("Larkway:Outbound:AllowedHosts:0", $"files.example.com:{_port}"));
        var inside = $"http://127.0.0.1:{_port}/secret";
        var url = $"http://files.example.com:{_port}/moved?to={Uri.EscapeDataString(inside)}";

        var refused = await Should.ThrowAsync<DataUrlException>(() => services.GetRequiredService<DataUrlFetcher>().FetchAsync(url, Limits, CancellationToken.None));

        refused.Message.ShouldStartWith($"{url} redirects to {inside}, which resolves to a private address (127.0.0.1, loopback)");
        _requests.ShouldBe([$"files.example.com:{_port}/moved"]);
    }

    [Fact]
    public async Task Redirects_are_followed_three_times_and_a_fourth_is_refused()
    {
        using var services = Services(("Larkway:Outbound:AllowPrivateNetworks", "true"));
        var fetcher = services.GetRequiredService<DataUrlFetcher>();
        string Chain(int hops) => hops == 0 ? $"http://127.0.0.1:{_port}/file" : $"http://127.0.0.1:{_port}/hop{hops}?to={Uri.EscapeDataString(Chain(hops - 1))}";

        (await fetcher.FetchAsync(Chain(3), Limits, CancellationToken.None)).Bytes.Length.ShouldBeGreaterThan(0);
        _requests.Clear();

        var refused = await Should.ThrowAsync<DataUrlException>(() => fetcher.FetchAsync(Chain(4), Limits, CancellationToken.None));
        refused.Message.ShouldContain("redirects more than 3 times");
        _requests.Count.ShouldBe(4);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:{port}/_GET%20/secret")]
    [InlineData("ftp://127.0.0.1:{port}/secret")]
    [InlineData("not a url")]
    public async Task Urls_other_than_http_and_https_are_refused(string template)
    {
        using var services = Services(("Larkway:Outbound:AllowPrivateNetworks", "true"));
        var url = template.Replace("{port}", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var refused = await Should.ThrowAsync<DataUrlException>(() => services.GetRequiredService<DataUrlFetcher>().FetchAsync(url, Limits, CancellationToken.None));

        refused.Message.ShouldBe($"'{url}' is not an http or https URL; the Hub fetches only those");
        _requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_redirect_to_a_file_url_is_refused()
    {
        using var services = Services(("Larkway:Outbound:AllowPrivateNetworks", "true"));
        var url = $"http://127.0.0.1:{_port}/moved?to={Uri.EscapeDataString("file:///etc/passwd")}";

        var refused = await Should.ThrowAsync<DataUrlException>(() => services.GetRequiredService<DataUrlFetcher>().FetchAsync(url, Limits, CancellationToken.None));

        refused.Message.ShouldBe($"{url} redirects to 'file:///etc/passwd', which is not http or https; the Hub fetches only those");
    }

    [Fact]
    public async Task The_size_limit_holds_on_an_allowed_host()
    {
        using var services = Services(("Larkway:Outbound:AllowPrivateNetworks", "true"));

        var refused = await Should.ThrowAsync<DataUrlException>(() => services.GetRequiredService<DataUrlFetcher>().FetchAsync($"http://127.0.0.1:{_port}/big.bin", Limits, CancellationToken.None));

        refused.Message.ShouldContain("at most 1,024 bytes are fetched");
    }

    [Theory]
    [InlineData("http://files.corp.example/")]
    [InlineData("files.corp.example:")]
    [InlineData("files.corp.example:https")]
    [InlineData("files.corp.example:70000")]
    [InlineData("files.corp.example/files")]
    public void An_allowed_host_written_as_a_url_or_with_a_bad_port_stops_the_start_with_what_to_write(string entry)
    {
        using var services = Services(("Larkway:Outbound:AllowedHosts:0", entry));

        var failure = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<OutboundOptions>>().Value);

        failure.Message.ShouldContain($"Larkway:Outbound:AllowedHosts: '{entry}' is not a host name or IP address with an optional port; write it as files.corp.example, files.corp.example:8443 or 10.0.0.5, without scheme or path.");
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IOutboundDns>(new FakeDns());
        services.AddHubOutbound(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build());
        return services.BuildServiceProvider();
    }

    /// <summary>Names that look public and are not; any other name goes to the system's resolver (localhost).</summary>
    private sealed class FakeDns : IOutboundDns
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => host switch
        {
            "files.example.com" => Task.FromResult(new[] { IPAddress.Loopback }),
            "mixed.example.com" => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("169.254.169.254") }),
            _ => Dns.GetHostAddressesAsync(host, cancellationToken),
        };
    }
}
