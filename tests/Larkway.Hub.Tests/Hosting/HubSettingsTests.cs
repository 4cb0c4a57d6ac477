using Microsoft.Extensions.Configuration;
using Larkway.Hub.Platform.Configuration;

namespace Larkway.Hub.Tests.Hosting;

public sealed class HubSettingsTests
{
    private static HubSettings From(params (string Key, string Value)[] values) =>
        HubSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

    [Fact]
    public void No_credentials_means_sandbox_mode_on_port_8787()
    {
        var settings = From();

        settings.Mode.ShouldBe(HubMode.Sandbox);
        settings.EmulatorPort.ShouldBe(8787);
        settings.EmulatorHttpsPort.ShouldBeNull();
        settings.EmulatorDingTalkApiPort.ShouldBeNull();
    }

    [Fact]
    public void Sandbox_off_without_credentials_means_a_hub_of_stored_apps_only()
    {
        var settings = From(("LARKWAY_SANDBOX", "off"));

        settings.Mode.ShouldBe(HubMode.AppsOnly);
        settings.AppId.ShouldBeNull();
        From(("Larkway:Sandbox", "false")).Mode.ShouldBe(HubMode.AppsOnly);
        From(("LARKWAY_SANDBOX", "on")).Mode.ShouldBe(HubMode.Sandbox);
    }

    [Fact]
    public void Sandbox_settings_that_contradict_the_rest_say_what_to_change()
    {
        Should.Throw<HubConfigurationException>(() => From(("LARKWAY_SANDBOX", "maybe"))).Message.ShouldContain("'off'");
        Should.Throw<HubConfigurationException>(() => From(("LARKWAY_SANDBOX", "on"), ("FEISHU_APP_ID", "cli_a"), ("FEISHU_APP_SECRET", "s"), ("FEISHU_ENCRYPT_KEY", "k")))
            .Message.ShouldContain("Unset FEISHU_APP_ID");
        Should.Throw<HubConfigurationException>(() => From(("LARKWAY_SANDBOX", "off"), ("FEISHU_EVENT_MODE", "webhook")))
            .Message.ShouldContain("Unset FEISHU_EVENT_MODE");

        // With the app's credentials, off changes nothing: the configured app is the Hub's.
        From(("LARKWAY_SANDBOX", "off"), ("FEISHU_APP_ID", "cli_a"), ("FEISHU_APP_SECRET", "s"), ("FEISHU_ENCRYPT_KEY", "k")).Mode.ShouldBe(HubMode.Webhook);
    }

    [Fact]
    public void The_sandbox_emulator_serves_tls_only_when_an_https_port_is_set()
    {
        From(("LARKWAY_EMULATOR_HTTPS_PORT", "8443")).EmulatorHttpsPort.ShouldBe(8443);
        From(("Larkway:Emulator:HttpsPort", "0")).EmulatorHttpsPort.ShouldBe(0);
    }

    [Fact]
    public void The_sandbox_emulator_serves_dingtalks_api_host_only_when_its_port_is_set()
    {
        From(("LARKWAY_EMULATOR_DINGTALK_API_PORT", "8788")).EmulatorDingTalkApiPort.ShouldBe(8788);
        From(("Larkway:Emulator:DingTalkApiPort", "0"), ("LARKWAY_EMULATOR_HTTPS_PORT", "0")).EmulatorDingTalkApiPort.ShouldBe(0);
    }

    [Fact]
    public void Credentials_with_an_encrypt_key_default_to_webhook_mode()
    {
        var settings = From(("FEISHU_APP_ID", "cli_a"), ("FEISHU_APP_SECRET", "s"), ("FEISHU_ENCRYPT_KEY", "k"), ("FEISHU_BASE_URL", "https://open.larksuite.com"));

        settings.Mode.ShouldBe(HubMode.Webhook);
        settings.BaseUrl.ShouldBe(new Uri("https://open.larksuite.com"));
        settings.LegacyCardCallbacks.ShouldBeTrue();
    }

    [Fact]
    public void Old_style_card_callbacks_are_refused_when_set_to_false()
    {
        From(("FEISHU_APP_ID", "cli_a"), ("FEISHU_APP_SECRET", "s"), ("FEISHU_ENCRYPT_KEY", "k"), ("FEISHU_LEGACY_CARD_CALLBACKS", "false")).LegacyCardCallbacks.ShouldBeFalse();
        From(("Larkway:Events:LegacyCardCallbacks", "False")).LegacyCardCallbacks.ShouldBeFalse();
    }

    [Fact]
    public void Long_connection_mode_needs_no_webhook_secrets()
    {
        From(("FEISHU_APP_ID", "cli_a"), ("FEISHU_APP_SECRET", "s"), ("FEISHU_EVENT_MODE", "long-connection")).Mode.ShouldBe(HubMode.LongConnection);
    }

    [Theory]
    [InlineData("FEISHU_APP_ID", "cli_a", null, null, "FEISHU_APP_SECRET")]
    [InlineData("FEISHU_APP_SECRET", "s", null, null, "FEISHU_APP_ID")]
    [InlineData("FEISHU_EVENT_MODE", "webhook", null, null, "no FEISHU_APP_ID")]
    [InlineData("FEISHU_BASE_URL", "open.feishu.cn", null, null, "absolute http(s) URL")]
    [InlineData("LARKWAY_EMULATOR_PORT", "eighty", null, null, "port number")]
    [InlineData("LARKWAY_EMULATOR_HTTPS_PORT", "443s", null, null, "LARKWAY_EMULATOR_HTTPS_PORT '443s' is not a port number")]
    [InlineData("LARKWAY_EMULATOR_HTTPS_PORT", "8787", null, null, "other than the Emulator's HTTP port")]
    [InlineData("LARKWAY_EMULATOR_DINGTALK_API_PORT", "api", null, null, "LARKWAY_EMULATOR_DINGTALK_API_PORT 'api' is not a port number")]
    [InlineData("LARKWAY_EMULATOR_DINGTALK_API_PORT", "8787", null, null, "other than the Emulator's HTTP and TLS ports")]
    [InlineData("LARKWAY_EMULATOR_DINGTALK_API_PORT", "8443", "LARKWAY_EMULATOR_HTTPS_PORT", "8443", "other than the Emulator's HTTP and TLS ports")]
    [InlineData("FEISHU_LEGACY_CARD_CALLBACKS", "no", null, null, "use 'true' (accept old-style card callbacks, the default) or 'false'")]
    [InlineData("LARKWAY_TRUSTED_PROXIES", "127.0.0.1, proxy.internal", null, null, "'proxy.internal' is not an IP address or a CIDR network")]
    [InlineData("LARKWAY_TRUSTED_PROXIES", "10", null, null, "'10' is not an IP address")]
    [InlineData("Larkway:TrustedProxies", "10.0.0.0/40", null, null, "'10.0.0.0/40' is not an IP address or a CIDR network")]
    public void Bad_settings_stop_the_Hub_with_a_message_saying_what_to_set(string key, string value, string? key2, string? value2, string expected)
    {
        var values = new List<(string, string)> { (key, value) };
        if (key2 is not null)
        {
            values.Add((key2, value2!));
        }

        var ex = Should.Throw<HubConfigurationException>(() => From([.. values]));

        ex.Message.ShouldContain(expected);
    }

    [Fact]
    public void Webhook_mode_without_a_key_or_token_is_refused()
    {
        var ex = Should.Throw<HubConfigurationException>(() => From(("FEISHU_APP_ID", "cli_a"), ("FEISHU_APP_SECRET", "s")));

        ex.Message.ShouldContain("FEISHU_ENCRYPT_KEY");
    }

    [Fact]
    public void An_unknown_event_mode_lists_the_valid_ones()
    {
        var ex = Should.Throw<HubConfigurationException>(() => From(("FEISHU_APP_ID", "cli_a"), ("FEISHU_APP_SECRET", "s"), ("FEISHU_EVENT_MODE", "polling")));

        ex.Message.ShouldContain("'webhook' or 'long-connection'");
    }

    [Fact]
    public void No_proxy_is_trusted_unless_listed()
    {
        From().TrustedProxies.ShouldBeEmpty();
    }

    [Fact]
    public void Trusted_proxies_are_addresses_and_networks_separated_by_commas_or_spaces()
    {
        var proxies = From(("LARKWAY_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8 ::1")).TrustedProxies;

        proxies.Select(p => p.ToString()).ShouldBe(["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        From(("Larkway:TrustedProxies", "192.168.1.10")).TrustedProxies.Single().ToString().ShouldBe("192.168.1.10/32");
    }
}
