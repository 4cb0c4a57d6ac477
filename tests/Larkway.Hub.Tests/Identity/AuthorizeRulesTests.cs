using Larkway.Feishu.Authen;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Tests.Identity;

/// <summary>
/// The authorization endpoint's rules: a wrong client or redirect URI is shown and never redirected; every other error
/// goes back with the code RFC 6749 / OpenID Connect names, state and iss; sign-in is asked for when the session cannot
/// answer; only the people and departments an administrator allowed may sign in.
/// </summary>
public sealed class AuthorizeRulesTests
{
    [Fact]
    public async Task An_unknown_client_a_disabled_one_or_an_unregistered_redirect_uri_gets_a_page_not_a_redirect()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var authorize = hub.Get<AuthorizeService>();
        var pkce = Pkce.Create();

        (await Run(hub, IdentityTestHub.Request(client, pkce, extra: ("client_id", "lkc_nobody")), session)).ShouldBeOfType<AuthorizeOutcome.ErrorPage>();
        (await Run(hub, IdentityTestHub.Request(client, pkce, extra: ("redirect_uri", IdentityTestHub.RedirectUri + "/x")), session)).ShouldBeOfType<AuthorizeOutcome.ErrorPage>();
        (await Run(hub, IdentityTestHub.Request(client, pkce, extra: ("redirect_uri", null)), session)).ShouldBeOfType<AuthorizeOutcome.ErrorPage>();
        await hub.Get<ClientService>().UpdateAsync(client.Id, new ClientRequest { Enabled = false }, CancellationToken.None);
        (await Run(hub, IdentityTestHub.Request(client, pkce), session)).ShouldBeOfType<AuthorizeOutcome.ErrorPage>();
        authorize.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("response_type", "token", "unsupported_response_type")]
    [InlineData("response_type", null, "invalid_request")]
    [InlineData("scope", "profile email", "invalid_scope")]
    [InlineData("scope", "openid payroll", "invalid_scope")]
    [InlineData("code_challenge_method", "plain", "invalid_request")]
    [InlineData("code_challenge", "too-short", "invalid_request")]
    [InlineData("request", "eyJhbGciOiJub25lIn0.e30.", "request_not_supported")]
    [InlineData("request_uri", "https://wiki.example.com/req", "request_uri_not_supported")]
    [InlineData("response_mode", "fragment", "invalid_request")]
    [InlineData("prompt", "none login", "invalid_request")]
    [InlineData("prompt", "sideways", "invalid_request")]
    [InlineData("max_age", "-1", "invalid_request")]
    public async Task A_bad_parameter_goes_back_to_the_app_with_its_error_state_and_issuer(string parameter, string? value, string error)
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();

        var outcome = await Run(hub, IdentityTestHub.Request(client, Pkce.Create(), extra: (parameter, value)), session);

        var query = QueryHelpers.ParseQuery(new Uri(outcome.ShouldBeOfType<AuthorizeOutcome.Redirect>().Location).Query);
        query["error"].ToString().ShouldBe(error);
        query["state"].ToString().ShouldBe("st-1");
        query["iss"].ToString().ShouldBe(IdentityTestHub.Issuer);
        query["error_description"].ToString().All(c => c is >= ' ' and <= '~' and not '"' and not '\\').ShouldBeTrue("RFC 6749 §4.1.2.1's character set");
        query.ContainsKey("code").ShouldBeFalse();
    }

    [Fact]
    public async Task Form_post_answers_a_code_and_an_error_as_a_form_to_the_redirect_uri()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();

        var code = (await Run(hub, IdentityTestHub.Request(client, Pkce.Create(), extra: ("response_mode", "form_post")), session)).ShouldBeOfType<AuthorizeOutcome.Redirect>();
        code.FormPost.ShouldBeTrue();
        code.RedirectUri.ShouldBe(IdentityTestHub.RedirectUri);
        code.Answer.Keys.ShouldBe(["code", "state", "iss"]);
        code.Answer["state"].ShouldBe("st-1");

        var error = (await Run(hub, IdentityTestHub.Request(client, Pkce.Create(), extra: [("response_mode", "form_post"), ("scope", "profile")]), session)).ShouldBeOfType<AuthorizeOutcome.Redirect>();
        error.FormPost.ShouldBeTrue();
        error.Answer["error"].ShouldBe("invalid_scope");

        var query = (await Run(hub, IdentityTestHub.Request(client, Pkce.Create(), extra: ("response_mode", "query")), session)).ShouldBeOfType<AuthorizeOutcome.Redirect>();
        query.FormPost.ShouldBeFalse();
        query.Location.ShouldStartWith(IdentityTestHub.RedirectUri + "?code=");
    }

    [Fact]
    public async Task PKCE_is_required_unless_the_administrator_turned_it_off_for_a_confidential_client()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (strict, _) = await hub.ClientAsync();
        var (lax, _) = await hub.ClientAsync(new() { Name = "Legacy", RedirectUris = [IdentityTestHub.RedirectUri], RequirePkce = false });
        var (_, session) = await hub.SignedInAsync();

        var refused = QueryHelpers.ParseQuery(new Uri(((AuthorizeOutcome.Redirect)await Run(hub, IdentityTestHub.Request(strict, null), session)).Location).Query);
        refused["error"].ToString().ShouldBe("invalid_request");
        var granted = QueryHelpers.ParseQuery(new Uri(((AuthorizeOutcome.Redirect)await Run(hub, IdentityTestHub.Request(lax, null), session)).Location).Query);
        granted["code"].ToString().ShouldStartWith("lkac_");
    }

    [Fact]
    public async Task Without_a_session_the_person_signs_in_and_prompt_none_gets_login_required()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();

        (await Run(hub, IdentityTestHub.Request(client, Pkce.Create()), null)).ShouldBeOfType<AuthorizeOutcome.SignIn>();
        (await Run(hub, IdentityTestHub.Request(client, Pkce.Create(), extra: ("prompt", "login")), session)).ShouldBeOfType<AuthorizeOutcome.SignIn>();
        var none = (AuthorizeOutcome.Redirect)await Run(hub, IdentityTestHub.Request(client, Pkce.Create(), extra: ("prompt", "none")), null);
        QueryHelpers.ParseQuery(new Uri(none.Location).Query)["error"].ToString().ShouldBe("login_required");

        // max_age: a session older than it asks for a fresh sign-in; a fresh one answers.
        hub.Time.Advance(TimeSpan.FromMinutes(10));
        (await Run(hub, IdentityTestHub.Request(client, Pkce.Create(), extra: ("max_age", "300")), session)).ShouldBeOfType<AuthorizeOutcome.SignIn>();
        (await Run(hub, IdentityTestHub.Request(client, Pkce.Create(), extra: ("max_age", "300")), session, fresh: true)).ShouldBeOfType<AuthorizeOutcome.Redirect>();
    }

    [Fact]
    public async Task Only_the_people_and_departments_the_administrator_allowed_may_sign_in()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (alice, aliceSession) = await hub.SignedInAsync();
        var (_, bobSession) = await hub.SignedInAsync("ou_bob", "bob@example.com", "on_bob", "u_bob");
        var byId = (await hub.ClientAsync(new() { Name = "ById", RedirectUris = [IdentityTestHub.RedirectUri], AllowedPeople = [alice.Id] })).Client;
        var byOpenId = (await hub.ClientAsync(new() { Name = "ByOpenId", RedirectUris = [IdentityTestHub.RedirectUri], AllowedPeople = ["ou_alice"] })).Client;
        var byDepartment = (await hub.ClientAsync(new() { Name = "ByDepartment", RedirectUris = [IdentityTestHub.RedirectUri], AllowedDepartments = ["od-finance"] })).Client;

        foreach (var client in new[] { byId, byOpenId })
        {
            (await Run(hub, IdentityTestHub.Request(client, Pkce.Create()), aliceSession)).ShouldBeOfType<AuthorizeOutcome.Redirect>().Location.ShouldContain("code=");
            (await Run(hub, IdentityTestHub.Request(client, Pkce.Create()), bobSession)).ShouldBeOfType<AuthorizeOutcome.Redirect>().Location.ShouldContain("error=access_denied");
        }

        // Departments come from the directory: Alice is in Payables, under Finance, so a client for Finance admits her.
        (await Run(hub, IdentityTestHub.Request(byDepartment, Pkce.Create()), aliceSession)).ShouldBeOfType<AuthorizeOutcome.Redirect>().Location.ShouldContain("error=access_denied");
        await InDepartmentAsync(hub, alice, ("od-finance", "od-finance"), ("od-payables", "od-finance/od-payables"));
        (await hub.Get<PersonGroups>().OfAsync(alice.Id, CancellationToken.None)).ShouldBe(["od-payables", "od-finance"]);
        (await Run(hub, IdentityTestHub.Request(byDepartment, Pkce.Create()), aliceSession)).ShouldBeOfType<AuthorizeOutcome.Redirect>().Location.ShouldContain("code=");
        (await Run(hub, IdentityTestHub.Request(byDepartment, Pkce.Create()), bobSession)).ShouldBeOfType<AuthorizeOutcome.Redirect>().Location.ShouldContain("error=access_denied");
    }

    [Fact]
    public async Task A_deleted_department_no_longer_counts_as_a_group()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (alice, _) = await hub.SignedInAsync();
        await InDepartmentAsync(hub, alice, ("od-finance", "od-finance"), ("od-payables", "od-finance/od-payables"), ("od-sales", "od-sales"));
        await using (var db = await hub.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            await db.Departments.Where(d => d.OpenDepartmentId == "od-sales").ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DepartmentStatus.Deleted));
        }

        (await hub.Get<PersonGroups>().OfAsync(alice.Id, CancellationToken.None)).ShouldBe(["od-payables", "od-finance"]);
    }

    /// <summary>Puts the departments (id, path) in the directory and the person in each leaf among them.</summary>
    private static async Task InDepartmentAsync(IdentityTestHub hub, PersonRow person, params (string Id, string Path)[] departments)
    {
        await using var db = await hub.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        foreach (var (id, path) in departments)
        {
            var parts = path.Split('/');
            db.Departments.Add(new DepartmentRow { TenantKey = person.TenantKey, OpenDepartmentId = id, Name = id, ParentId = parts.Length > 1 ? parts[^2] : "0", Path = path, PathNames = path });
        }

        foreach (var (id, _) in departments.Where(d => !departments.Any(o => o.Path.StartsWith(d.Path + "/", StringComparison.Ordinal))))
        {
            db.Memberships.Add(new MembershipRow { PersonId = person.Id, DepartmentId = id, TenantKey = person.TenantKey });
        }

        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task An_inactive_person_is_refused_even_with_a_live_session()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (person, session) = await hub.SignedInAsync();
        await using (var db = await hub.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Larkway.Hub.Platform.Storage.HubDbContext>>().CreateDbContextAsync())
        {
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                db.People.Where(p => p.Id == person.Id), u => u.SetProperty(p => p.Status, PersonStatus.Frozen));
        }

        (await Run(hub, IdentityTestHub.Request(client, Pkce.Create()), session)).ShouldBeOfType<AuthorizeOutcome.Redirect>().Location.ShouldContain("error=access_denied");
    }

    private static Task<AuthorizeOutcome> Run(IdentityTestHub hub, ProtocolParameters parameters, Larkway.Hub.Identity.SessionRow? session, bool fresh = false) =>
        hub.Get<AuthorizeService>().AuthorizeAsync(IdentityTestHub.Issuer, parameters, session, fresh, CancellationToken.None);
}
