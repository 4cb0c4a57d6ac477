using System.Net;
using System.Security.Claims;
using System.Text;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Hub.AdminConsole;
using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The console's event and approval pages over plain HTTP: who may read a payload, and answers to what does not exist.</summary>
public sealed class HubConsolePagesTests
{
    [Fact]
    public async Task An_event_payload_is_shown_only_to_the_administrator_role_and_every_view_is_audited_without_the_payload()
    {
        await using var hub = await HubSandbox.StartAsync();
        var id = (await hub.Host.Services.GetRequiredService<InboxStore>().AppendAsync(Event("ev_secret_1", "salary 12345"))).EventId;
        var audit = hub.Host.Services.GetRequiredService<IAuditLog>();

        // A signed-in console user without the administrator role (what a read-only role will be) sees the event, not its payload.
        using (var viewer = new HttpClient { BaseAddress = hub.Host.BaseUrl })
        {
            viewer.DefaultRequestHeaders.Add("Cookie", "larkway_console=" + await CookieWithoutAdminRoleAsync(hub));
            using (var page = await viewer.GetAsync($"/console/events/{id}"))
            {
                page.StatusCode.ShouldBe(HttpStatusCode.OK);
                var html = await page.Content.ReadAsStringAsync();
                html.ShouldContain("Only a console administrator may see event payloads.");
                html.ShouldNotContain("Show the payload");
                html.ShouldNotContain("salary");
            }

            using var refused = await viewer.GetAsync($"/console/events/{id}?handler=Payload");
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await refused.Content.ReadAsStringAsync()).ShouldNotContain("salary");
        }

        (await audit.ListAsync("event.payload_view", 10, CancellationToken.None)).ShouldBeEmpty();

        using var admin = new ConsoleClient(hub.Host.BaseUrl);
        (await admin.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();
        using (var shown = await admin.Http.GetAsync($"/console/events/{id}?handler=Payload"))
        {
            shown.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await shown.Content.ReadAsStringAsync()).ShouldContain("&quot;text&quot;: &quot;salary 12345&quot;");
        }

        var entry = (await audit.ListAsync("event.payload_view", 10, CancellationToken.None)).ShouldHaveSingleItem();
        entry.Target.ShouldBe(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        entry.Actor.ShouldBe("console:admin");
        entry.Details.ShouldContain("test.secret_v1");
        entry.Details.ShouldContain("\"app\":\"default\"", Case.Sensitive, "the default app by the name the API and webhooks give it");
        entry.Details.ShouldNotContain("salary");
    }

    [Fact]
    public async Task Pages_for_what_does_not_exist_are_404_and_a_bad_filter_is_400()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = new ConsoleClient(hub.Host.BaseUrl);
        (await client.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();

        foreach (var path in new[] { "/console/approvals/apr_missing", "/console/approvals/%20", "/console/events/999999", "/console/events/999999?handler=Payload", "/console/events/abc" })
        {
            using var response = await client.Http.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        using (var bad = await client.Http.GetAsync("/console/approvals?status=approvedish"))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await bad.Content.ReadAsStringAsync()).ShouldContain("Unknown status &#x27;approvedish&#x27;");
        }

        using var empty = await client.Http.GetAsync("/console/approvals?reference=nothing-has-this&before=apr_0");
        empty.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await empty.Content.ReadAsStringAsync()).ShouldContain("No approvals match these filters");
    }

    /// <summary>A valid console cookie (current security stamp, fresh sign-in time) for a principal without the administrator role.</summary>
    private static async Task<string> CookieWithoutAdminRoleAsync(HubSandbox hub)
    {
        var services = hub.Host.Services;
        var principal = await services.GetRequiredService<ConsoleSessions>().PrincipalAsync("viewer", CancellationToken.None);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.RemoveClaim(identity.FindFirst(ClaimTypes.Role).ShouldNotBeNull());
        var options = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleSite.Scheme);
        var now = DateTimeOffset.UtcNow;
        return options.TicketDataFormat.Protect(new AuthenticationTicket(principal, new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(1) }, ConsoleSite.Scheme));
    }

    private static FeishuInboundEvent Event(string eventId, string text)
    {
        var body = Encoding.UTF8.GetBytes($$$"""
            {"schema":"2.0","header":{"event_id":"{{{eventId}}}","event_type":"test.secret_v1","create_time":"1700000000000","app_id":"cli_test","tenant_key":"tk"},"event":{"text":"{{{text}}}"}}
            """);
        return new FeishuInboundEvent(FeishuEventEnvelope.Parse(body), body, FeishuEventTransport.Http, "");
    }
}
