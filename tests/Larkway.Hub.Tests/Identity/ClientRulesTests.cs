using System.Text;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Hub.Tests.Identity;

/// <summary>Client registration and authentication, the email policy and the broker's settings.</summary>
public sealed class ClientRulesTests
{
    [Theory]
    [InlineData("https://wiki.example.com/cb", true)]
    [InlineData("http://127.0.0.1:5000/cb", true)]
    [InlineData("http://localhost/cb", true)]
    [InlineData("http://[::1]:8080/cb", true)]
    [InlineData("http://wiki.example.com/cb", false)]
    [InlineData("https://wiki.example.com/cb#frag", false)]
    [InlineData("https://user:pw@wiki.example.com/cb", false)]
    [InlineData("https://*.example.com/cb", false)]
    [InlineData("/relative/cb", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("https://wiki.example.com/cb\nhttp://evil.example/cb", false)]
    [InlineData("https://wiki.example.com/cb\r\nhttp://evil.example/cb", false)]
    [InlineData("https://wiki.example.com/c\tb", false)]
    [InlineData("https://wiki.example.com/c b", false)]
    [InlineData("https://wiki.example.com\\@evil.example/cb", false)]
    [InlineData(" https://wiki.example.com/cb", false)]
    public void Redirect_uris_are_absolute_https_except_on_loopback_with_no_fragment_credentials_or_wildcard(string uri, bool valid) =>
        ClientService.IsValidRedirectUri(uri, out _).ShouldBe(valid);

    [Fact]
    public async Task A_list_element_with_a_line_break_is_refused_by_its_index_never_split_into_two()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var service = hub.Get<ClientService>();
        var result = await service.CreateAsync(new ClientRequest
        {
            Name = "Split",
            RedirectUris = ["https://wiki.example.com/cb", "https://wiki.example.com/cb2\nhttp://evil.example/cb"],
            PostLogoutRedirectUris = ["https://wiki.example.com/out\rhttp://evil.example/out"],
        }, CancellationToken.None);

        result.Client.ShouldBeNull();
        result.Problems.ShouldContain(p => p.StartsWith("redirect_uris[1]: ", StringComparison.Ordinal) && p.Contains("\\u000a", StringComparison.Ordinal));
        result.Problems.ShouldContain(p => p.StartsWith("post_logout_redirect_uris[0]: ", StringComparison.Ordinal));
        result.Problems.ShouldAllBe(p => !p.Contains('\n') && !p.Contains('\r'));
        (await service.ListAsync(CancellationToken.None)).ShouldBeEmpty();

        var (client, _) = await hub.ClientAsync();
        var update = await service.UpdateAsync(client.Id, new ClientRequest { RedirectUris = ["https://wiki.example.com/cb\nhttp://evil.example/cb"] }, CancellationToken.None);
        update.Problems.ShouldHaveSingleItem().ShouldStartWith("redirect_uris[0]: ");
        ClientService.Lines((await service.GetAsync(client.Id, CancellationToken.None))!.RedirectUris).ShouldBe([IdentityTestHub.RedirectUri]);
    }

    [Fact]
    public async Task A_secret_is_shown_once_stored_hashed_and_a_public_client_has_none_and_always_PKCE()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (confidential, secret) = await hub.ClientAsync();
        secret.ShouldStartWith("lkcs_");
        confidential.SecretHash.ShouldNotBeNull().ShouldNotContain(secret[5..]);
        OpaqueToken.Matches(secret, confidential.SecretHash).ShouldBeTrue();
        (await hub.Get<ClientService>().GetAsync(confidential.Id, CancellationToken.None))!.SecretHash.ShouldBe(confidential.SecretHash);

        var service = hub.Get<ClientService>();
        var pub = await service.CreateAsync(new ClientRequest { Name = "SPA", Kind = ClientKind.Public, RedirectUris = ["https://spa.example.com/cb"] }, CancellationToken.None);
        pub.Secret.ShouldBeNull();
        pub.Client!.RequirePkce.ShouldBeTrue();
        (await service.UpdateAsync(pub.Client.Id, new ClientRequest { RequirePkce = false }, CancellationToken.None)).Problems.ShouldNotBeEmpty();
        (await service.RotateSecretAsync(pub.Client.Id, CancellationToken.None)).Problems.ShouldNotBeEmpty();

        var rotated = await service.RotateSecretAsync(confidential.Id, CancellationToken.None);
        OpaqueToken.Matches(secret, rotated.Client!.SecretHash!).ShouldBeFalse();
        OpaqueToken.Matches(rotated.Secret!, rotated.Client.SecretHash!).ShouldBeTrue();
    }

    [Fact]
    public async Task A_bad_registration_names_every_problem()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var result = await hub.Get<ClientService>().CreateAsync(new ClientRequest
        {
            Name = "",
            RedirectUris = ["http://wiki.example.com/cb"],
            Scopes = ["openid", "payroll"],
            AllowedPeople = ["alice@example.com"],
            AllowedDepartments = ["finance"],
        }, CancellationToken.None);

        result.Client.ShouldBeNull();
        result.Problems.Count.ShouldBe(5);
        result.Problems.ShouldContain(p => p.StartsWith("name:", StringComparison.Ordinal));
        result.Problems.ShouldContain(p => p.StartsWith("redirect_uris[0]:", StringComparison.Ordinal) && p.Contains("https", StringComparison.Ordinal));
        result.Problems.ShouldContain(p => p.StartsWith("scopes:", StringComparison.Ordinal) && p.Contains("payroll", StringComparison.Ordinal));
        result.Problems.ShouldContain(p => p.StartsWith("allowed_people:", StringComparison.Ordinal));
        result.Problems.ShouldContain(p => p.StartsWith("allowed_departments:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_authentication_takes_basic_or_post_never_both_and_refuses_a_wrong_secret()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (client, secret) = await hub.ClientAsync();
        var spa = (await hub.Get<ClientService>().CreateAsync(new ClientRequest { Name = "SPA", Kind = ClientKind.Public, RedirectUris = ["https://spa.example.com/cb"] }, CancellationToken.None)).Client!;
        var auth = hub.Get<ClientAuthentication>();
        string Basic(string id, string s) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(id) + ":" + Uri.EscapeDataString(s)));

        (await auth.AuthenticateAsync(new(Basic(client.Id, secret), null, null), CancellationToken.None)).Client!.Id.ShouldBe(client.Id);
        (await auth.AuthenticateAsync(new(null, client.Id, secret), CancellationToken.None)).Client!.Id.ShouldBe(client.Id);
        (await auth.AuthenticateAsync(new(Basic(client.Id, secret), client.Id, secret), CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidRequest);
        (await auth.AuthenticateAsync(new(Basic(client.Id, secret), "lkc_other", null), CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidRequest);
        (await auth.AuthenticateAsync(new(null, client.Id, secret + "x"), CancellationToken.None)).Error!.Status.ShouldBe(401);
        (await auth.AuthenticateAsync(new(null, client.Id, null), CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidClient);
        (await auth.AuthenticateAsync(new("Basic !!!notbase64", null, null), CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidClient);
        (await auth.AuthenticateAsync(new(null, "lkc_nobody", "x"), CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidClient);
        (await auth.AuthenticateAsync(new(null, spa.Id, null), CancellationToken.None)).Client!.Id.ShouldBe(spa.Id);
        (await auth.AuthenticateAsync(new(null, spa.Id, "guess"), CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidClient);
    }

    [Fact]
    public void Basic_credentials_are_form_decoded_as_RFC_6749_says()
    {
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("my%3Aclient:p%40ss+word"));
        ClientAuthentication.TryReadBasic(header, out var id, out var secret).ShouldBeTrue();
        (id, secret).ShouldBe(("my:client", "p@ss word"));
    }

    [Theory]
    [InlineData("alice@corp.example", "alice@gmail.com", "alice@corp.example", true)]
    [InlineData("alice@gmail.com", "alice@corp.example", "alice@corp.example", true)]
    [InlineData("alice@other.example", "alice@gmail.com", "alice@other.example", false)]
    [InlineData(null, "alice@CORP.example", "alice@CORP.example", true)]
    [InlineData(null, "alice@sub.corp.example", "alice@sub.corp.example", false)]
    [InlineData(null, "alice@corp.example.evil.com", "alice@corp.example.evil.com", false)]
    [InlineData(null, null, null, false)]
    public void Email_is_verified_only_in_the_companys_domains_enterprise_mail_first(string? enterprise, string? email, string? released, bool verified)
    {
        var person = new PersonRow { Id = "per_1", Name = "Alice", EnterpriseEmail = enterprise, Email = email };
        PersonClaims.Email(person, ["corp.example"]).ShouldBe((released, verified));
    }

    [Fact]
    public void Claims_follow_the_scopes_and_sub_is_the_person_id_never_a_Feishu_id()
    {
        var person = new PersonRow { Id = "per_1", Name = "Alice", UserId = "u_alice", UnionId = "on_alice", Email = "alice@corp.example", EmployeeNo = "E7", AvatarUrl = "https://a/p.png" };
        var options = new IdentityOptions();
        options.VerifiedEmailDomains.Add("corp.example");

        var openid = PersonClaims.For(person, ["od-1"], "openid", options);
        openid.Keys.ShouldBe(["sub"]);
        openid["sub"].ShouldBe("per_1");

        var all = PersonClaims.For(person, ["od-1"], "openid profile email groups", options);
        all["name"].ShouldBe("Alice");
        all["preferred_username"].ShouldBe("alice@corp.example");
        all["picture"].ShouldBe("https://a/p.png");
        all["employee_no"].ShouldBe("E7");
        all["email_verified"].ShouldBe(true);
        all["groups"].ShouldBe(new[] { "od-1" });
        all.Values.ShouldNotContain("u_alice");
        all.Values.ShouldNotContain("on_alice");
    }

    [Fact]
    public void Settings_are_checked_with_messages_that_name_them()
    {
        var options = new IdentityOptions { Issuer = "https://hub.example.com/sso", CodeLifetime = TimeSpan.FromMinutes(30), SigningAlgorithm = "HS256", KeyRotationInterval = TimeSpan.FromMinutes(5) };
        options.VerifiedEmailDomains.Add("@corp.example");
        var result = new IdentityOptionsValidator().Validate(null, options);
        result.Failed.ShouldBeTrue();
        foreach (var setting in new[] { "Issuer", "CodeLifetime", "SigningAlgorithm", "KeyRotationInterval", "VerifiedEmailDomains" })
        {
            result.FailureMessage.ShouldContain("Larkway:Identity:" + setting);
        }

        new IdentityOptionsValidator().Validate(null, new IdentityOptions()).Succeeded.ShouldBeTrue();
    }
}
