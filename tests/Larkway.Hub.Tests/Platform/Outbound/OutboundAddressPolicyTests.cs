using System.Net;
using Larkway.Hub.Platform.Outbound;

namespace Larkway.Hub.Tests.Platform.Outbound;

/// <summary>Issue 28 §1: the addresses a URL from data may not reach, in every form that reaches them.</summary>
public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", nameof(NonPublicAddress.Loopback))]
    [InlineData("127.255.1.2", nameof(NonPublicAddress.Loopback))]
    [InlineData("::1", nameof(NonPublicAddress.Loopback))]
    [InlineData("10.0.0.5", nameof(NonPublicAddress.Private))]
    [InlineData("172.16.0.1", nameof(NonPublicAddress.Private))]
    [InlineData("172.31.255.255", nameof(NonPublicAddress.Private))]
    [InlineData("192.168.1.1", nameof(NonPublicAddress.Private))]
    [InlineData("169.254.169.254", nameof(NonPublicAddress.LinkLocal))]
    [InlineData("fe80::1", nameof(NonPublicAddress.LinkLocal))]
    [InlineData("febf:ffff::1", nameof(NonPublicAddress.LinkLocal))]
    [InlineData("fec0::1", nameof(NonPublicAddress.Private))]
    [InlineData("fc00::1", nameof(NonPublicAddress.UniqueLocal))]
    [InlineData("fd00::2", nameof(NonPublicAddress.UniqueLocal))]
    [InlineData("100.64.0.1", nameof(NonPublicAddress.SharedCgnat))]
    [InlineData("100.127.255.255", nameof(NonPublicAddress.SharedCgnat))]
    [InlineData("224.0.0.1", nameof(NonPublicAddress.Multicast))]
    [InlineData("239.255.255.250", nameof(NonPublicAddress.Multicast))]
    [InlineData("ff02::1", nameof(NonPublicAddress.Multicast))]
    [InlineData("0.0.0.0", nameof(NonPublicAddress.Unspecified))]
    [InlineData("0.1.2.3", nameof(NonPublicAddress.Unspecified))]
    [InlineData("::", nameof(NonPublicAddress.Unspecified))]
    [InlineData("240.0.0.1", nameof(NonPublicAddress.Reserved))]
    [InlineData("255.255.255.255", nameof(NonPublicAddress.Reserved))]
    [InlineData("198.18.0.1", nameof(NonPublicAddress.Reserved))]
    [InlineData("::ffff:127.0.0.1", nameof(NonPublicAddress.Loopback))]         // IPv4-mapped
    [InlineData("::ffff:169.254.169.254", nameof(NonPublicAddress.LinkLocal))]
    [InlineData("::ffff:10.1.2.3", nameof(NonPublicAddress.Private))]
    [InlineData("::127.0.0.1", nameof(NonPublicAddress.Loopback))]              // IPv4-compatible
    [InlineData("::8.8.8.8", nameof(NonPublicAddress.Reserved))]                // IPv4-compatible is deprecated; nothing public uses it
    [InlineData("2002:7f00:1::1", nameof(NonPublicAddress.Loopback))]           // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::", nameof(NonPublicAddress.LinkLocal))]        // 6to4 of 169.254.169.254
    [InlineData("64:ff9b::a00:5", nameof(NonPublicAddress.Private))]            // NAT64 of 10.0.0.5
    [InlineData("64:ff9b::7f00:1", nameof(NonPublicAddress.Loopback))]
    [InlineData("64:ff9b:1::8.8.8.8", nameof(NonPublicAddress.Private))]        // local-use NAT64
    [InlineData("100::1", nameof(NonPublicAddress.Reserved))]                   // discard-only
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", nameof(NonPublicAddress.Loopback))]   // Teredo, client 127.0.0.1 (inverted)
    [InlineData("2001:0:a9fe:a9fe:8000:63bf:f7f7:f7f7", nameof(NonPublicAddress.LinkLocal))]  // Teredo, server 169.254.169.254
    [InlineData("2001:0:4136:e378:8000:63bf:f5ff:fffa", nameof(NonPublicAddress.Private))]    // Teredo, client 10.0.0.5
    public void Non_public_addresses_are_refused_with_their_kind(string address, string kind) =>
        OutboundAddressPolicy.Refusal(IPAddress.Parse(address)).ToString().ShouldBe(kind);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:fbfb")]   // Teredo, server 65.54.227.120, client 8.8.4.4
    [InlineData("64:ff9b::808:808")]
    [InlineData("fbff::1")]
    public void Public_addresses_pass(string address) =>
        OutboundAddressPolicy.Refusal(IPAddress.Parse(address)).ShouldBeNull();

    /// <summary>The host a URL names as .NET parses it (what the handler is given), in the forms that hide loopback.</summary>
    [Theory]
    [InlineData("http://127.0.0.1/", "127.0.0.1")]
    [InlineData("http://2130706433/", "127.0.0.1")]        // decimal
    [InlineData("http://0177.0.0.1/", "127.0.0.1")]        // octal
    [InlineData("http://0x7f.0.0.1/", "127.0.0.1")]        // hexadecimal
    [InlineData("http://127.1/", "127.0.0.1")]             // shortened
    [InlineData("http://[::1]/", "::1")]
    [InlineData("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1")]
    [InlineData("http://[::ffff:7f00:1]/", "::ffff:127.0.0.1")]
    [InlineData("http://0251.0376.0251.0376/", "169.254.169.254")]
    [InlineData("http://2852039166/", "169.254.169.254")]
    public void Loopback_and_metadata_addresses_written_in_other_forms_are_refused(string url, string meant)
    {
        var host = new Uri(url).Host.Trim('[', ']');
        IPAddress.Parse(host).ShouldBe(IPAddress.Parse(meant));
        OutboundAddressPolicy.Refusal(IPAddress.Parse(host)).ShouldNotBeNull();
    }
}
