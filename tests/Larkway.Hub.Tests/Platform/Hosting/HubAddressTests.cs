using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Shouldly;

namespace Larkway.Hub.Tests.Platform.Hosting;

/// <summary>Links the Hub makes with no request to take its address from: the public URL, else where it listens.</summary>
public sealed class HubAddressTests
{
    [Fact]
    public void A_public_url_is_the_base_with_its_path_and_its_origin_without()
    {
        var address = new HubAddress(new HubSettings { PublicUrl = new Uri("https://hub.example.com/larkway/") }, Listening("http://[::]:5080"));

        address.BaseUrl().ShouldBe("https://hub.example.com/larkway");
        address.Origin().ShouldBe("https://hub.example.com");
    }

    [Theory]
    [InlineData("http://[::]:5080", "http://127.0.0.1:5080")]
    [InlineData("http://0.0.0.0:5081/", "http://127.0.0.1:5081")]
    [InlineData("http://localhost:5082", "http://localhost:5082")]
    public void Without_one_the_listening_address_is_used_as_this_machine_dials_it(string listening, string expected)
    {
        var address = new HubAddress(new HubSettings(), Listening(listening));

        address.BaseUrl().ShouldBe(expected);
        address.Origin().ShouldBe(expected);
    }

    private static Server Listening(string url)
    {
        var addresses = new ServerAddressesFeature();
        addresses.Addresses.Add(url);
        var features = new FeatureCollection();
        features.Set<IServerAddressesFeature>(addresses);
        return new Server(features);
    }

    /// <summary>A server that only reports where it listens (Kestrel's feature; the Hub reads nothing else).</summary>
    private sealed class Server(IFeatureCollection features) : IServer
    {
        public IFeatureCollection Features { get; } = features;

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
