using System.Text.Json;
using Larkway.Feishu.Events.LongConnection;

namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>How a wire ClientConfig overlays the settings in force.</summary>
public sealed class LongConnectionConfigTests
{
    private static readonly FeishuLongConnectionConfig Current = new(5, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));

    [Fact]
    public void All_four_fields_overwrite_the_current_settings()
    {
        var config = Current.Overlay(Json("""{"ReconnectCount":-1,"ReconnectInterval":120,"ReconnectNonce":30,"PingInterval":120}"""), out var ignored);

        config.ShouldBe(FeishuLongConnectionConfig.Default);
        ignored.ShouldBeFalse();
    }

    [Fact]
    public void A_ping_interval_of_zero_or_less_is_ignored_rather_than_pinging_in_a_tight_loop()
    {
        Current.Overlay(Json("""{"PingInterval":0}"""), out var ignoredZero).PingInterval.ShouldBe(TimeSpan.FromSeconds(30));
        ignoredZero.ShouldBeTrue();
        Current.Overlay(Json("""{"PingInterval":-4}"""), out var ignoredNegative).PingInterval.ShouldBe(TimeSpan.FromSeconds(30));
        ignoredNegative.ShouldBeTrue();
    }

    [Fact]
    public void Missing_fields_keep_their_value_and_negative_ones_are_floored()
    {
        var config = Current.Overlay(Json("""{"ReconnectInterval":-5,"ReconnectCount":-9}"""), out _);

        config.ShouldBe(Current with { ReconnectInterval = TimeSpan.Zero, ReconnectCount = -1 });
    }

    [Fact]
    public void An_initial_config_below_the_minimum_ping_interval_is_raised_to_it()
    {
        var normalized = (Current with { PingInterval = TimeSpan.Zero }).Normalized();

        normalized.PingInterval.ShouldBe(FeishuLongConnectionConfig.MinPingInterval);
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
