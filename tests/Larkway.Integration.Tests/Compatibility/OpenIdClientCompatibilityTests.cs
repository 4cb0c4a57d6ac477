using System.Text.Json;
using Larkway.Hub.Directory;
using Larkway.Integration.Tests.Hub;
using Larkway.Integration.Tests.Hub.Identity;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// The certified OpenID Connect relying-party library <c>openid-client</c>, unchanged, signs a person in through the
/// Hub on loopback (discovery, code flow with PKCE, id_token validation, userinfo, refresh): if it cannot, the Hub is
/// wrong. scripts/install-test-deps.sh installs node and the package (tests/compat/openid-client).
/// </summary>
public sealed class OpenIdClientCompatibilityTests
{
    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "openid-client");

    [Fact]
    public async Task Openid_client_discovers_signs_in_with_PKCE_validates_the_id_token_reads_userinfo_and_refreshes()
    {
        Assert.True(
            Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "openid-client")),
            "openid-client is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");

        await using var hub = await HubSandbox.StartAsync();
        const string redirect = "http://127.0.0.1:9/callback";
        var app = await OidcApp.RegisterAsync(hub, "Compat", redirectUri: redirect);
        var run = await ProcessRunner.RunAsync(
            "node",
            ["signin.mjs", hub.Host.BaseUrl.ToString().TrimEnd('/'), hub.Emulator.BaseUrl.ToString(), app.ClientId, app.Secret!, redirect, "alice@example.com"],
            CompatDirectory,
            TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, $"openid-client run failed ({run.ExitCode}): {run.Error}\n{run.Output}");
        using var result = JsonDocument.Parse(run.Output);
        var root = result.RootElement;
        var alice = hub.State.FindUser("email", "alice@example.com")!;
        var person = await hub.Host.Services.GetRequiredService<PeopleStore>().FindByOpenIdAsync("", alice.OpenId);
        Assert.NotNull(person);
        Assert.Equal(hub.Host.BaseUrl.GetLeftPart(UriPartial.Authority), root.GetProperty("issuer").GetString());
        Assert.Equal(person.Id, root.GetProperty("sub").GetString());
        Assert.Equal(alice.Name, root.GetProperty("name").GetString());
        Assert.Equal("alice@example.com", root.GetProperty("email").GetString());
        Assert.True(root.GetProperty("nonce_checked").GetBoolean());
        Assert.Equal(person.Id, root.GetProperty("userinfo_sub").GetString());
        Assert.Equal(person.Id, root.GetProperty("refreshed_sub").GetString());
        Assert.True(root.GetProperty("refresh_rotated").GetBoolean());
    }
}
