using System.Net;
using Larkway.Hub.Platform.Observability;
using Microsoft.Extensions.Configuration;
using Larkway.Hub.Platform.Configuration;

namespace Larkway.Hub.Tests.Platform.Observability;

public sealed class ObservabilitySettingsTests
{
    private static ObservabilitySettings From(params (string Key, string Value)[] values) =>
        ObservabilitySettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

    [Fact]
    public void By_default_metrics_are_for_the_admin_key_on_the_Hubs_port_and_nothing_is_exported()
    {
        var settings = From();

        settings.Prometheus.ShouldBe(PrometheusEndpointMode.Admin);
        settings.Port.ShouldBeNull();
        settings.OtlpMetrics.ShouldBeFalse();
        settings.OtlpTraces.ShouldBeFalse();
        settings.LogFormat.ShouldBeNull();
    }

    [Fact]
    public void A_metrics_port_serves_them_there_on_loopback_unless_an_address_is_given()
    {
        var settings = From(("Larkway:Metrics:Port", "9464"));
        settings.Prometheus.ShouldBe(PrometheusEndpointMode.Port);
        settings.Port.ShouldBe(9464);
        settings.Address.ShouldBe(IPAddress.Loopback);

        From(("Larkway:Metrics:Port", "9464"), ("Larkway:Metrics:Address", "0.0.0.0")).Address.ShouldBe(IPAddress.Any);
        From(("Larkway:Metrics:Prometheus", "OFF")).Prometheus.ShouldBe(PrometheusEndpointMode.Off);
    }

    [Theory]
    [InlineData("Larkway:Metrics:Port", "70000")]
    [InlineData("Larkway:Metrics:Port", "-1")]
    [InlineData("Larkway:Metrics:Prometheus", "public")]
    [InlineData("Larkway:Metrics:Prometheus", "port")]
    [InlineData("Larkway:Logging:Format", "xml")]
    public void Values_that_cannot_work_stop_the_start(string key, string value) =>
        Should.Throw<HubConfigurationException>(() => From((key, value))).Message.ShouldContain(key);

    [Fact]
    public void A_port_contradicting_the_mode_stops_the_start() =>
        Should.Throw<HubConfigurationException>(() => From(("Larkway:Metrics:Port", "9464"), ("Larkway:Metrics:Prometheus", "admin")));

    [Fact]
    public void Otlp_export_follows_the_standard_endpoint_variables()
    {
        var both = From(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"));
        both.OtlpMetrics.ShouldBeTrue();
        both.OtlpTraces.ShouldBeTrue();

        var tracesOnly = From(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces"));
        tracesOnly.OtlpMetrics.ShouldBeFalse();
        tracesOnly.OtlpTraces.ShouldBeTrue();

        var noMetrics = From(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), ("OTEL_METRICS_EXPORTER", "none"));
        noMetrics.OtlpMetrics.ShouldBeFalse();
        noMetrics.OtlpTraces.ShouldBeTrue();

        var disabled = From(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), ("OTEL_SDK_DISABLED", "true"));
        disabled.OtlpMetrics.ShouldBeFalse();
        disabled.OtlpTraces.ShouldBeFalse();
        disabled.Prometheus.ShouldBe(PrometheusEndpointMode.Off);
    }

    [Theory]
    [InlineData("json", LogFormat.Json)]
    [InlineData("Simple", LogFormat.Simple)]
    public void The_log_format_is_simple_or_json(string value, LogFormat expected) =>
        From(("Larkway:Logging:Format", value)).LogFormat.ShouldBe(expected);
}
