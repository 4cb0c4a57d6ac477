using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.AdminConsole;

/// <summary>The console's bootstrap password on a real database of each provider: one winner among replicas, printed once, resettable.</summary>
public abstract class ConsoleAdminCredentialTests
{
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Of_two_replicas_starting_at_once_exactly_one_generates_and_prints_a_password_and_only_that_one_works()
    {
        await using var database = await CreateDatabaseAsync();
        using var outA = new StringWriter();
        using var outB = new StringWriter();
        await using var a = Services(database, outA);
        await using var b = Services(database, outB);
        var credentialA = a.Provider.GetRequiredService<ConsoleAdminCredential>();
        var credentialB = b.Provider.GetRequiredService<ConsoleAdminCredential>();

        await Task.WhenAll(credentialA.EnsureAsync(CancellationToken.None), credentialB.EnsureAsync(CancellationToken.None));

        var generated = new[] { credentialA.GeneratedPassword, credentialB.GeneratedPassword }.Where(p => p is not null).ToArray();
        generated.Length.ShouldBe(1);
        var password = generated[0]!;
        password.Length.ShouldBeGreaterThanOrEqualTo(32);
        (outA.ToString() + outB.ToString()).ShouldContain(password);
        new[] { outA.ToString(), outB.ToString() }.Count(o => o.Contains("password", StringComparison.Ordinal)).ShouldBe(1);

        (await credentialB.VerifyAsync("admin", password, CancellationToken.None)).ShouldBeTrue();
        (await credentialA.VerifyAsync("admin", password, CancellationToken.None)).ShouldBeTrue();
        (await credentialA.VerifyAsync("admin", password + "x", CancellationToken.None)).ShouldBeFalse();
        (await credentialA.VerifyAsync("root", password, CancellationToken.None)).ShouldBeFalse();
        (await credentialA.VerifyAsync(null, null, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_later_start_prints_nothing_and_a_reset_prints_a_new_password_that_replaces_the_old()
    {
        await using var database = await CreateDatabaseAsync();
        string first;
        await using (var hub = Services(database, TextWriter.Null))
        {
            var credential = hub.Provider.GetRequiredService<ConsoleAdminCredential>();
            await credential.EnsureAsync(CancellationToken.None);
            first = credential.GeneratedPassword.ShouldNotBeNull();
        }

        using var again = new StringWriter();
        await using (var hub = Services(database, again))
        {
            var credential = hub.Provider.GetRequiredService<ConsoleAdminCredential>();
            await credential.EnsureAsync(CancellationToken.None);
            credential.GeneratedPassword.ShouldBeNull();
            again.ToString().ShouldBeEmpty();
            (await credential.VerifyAsync("admin", first, CancellationToken.None)).ShouldBeTrue();
        }

        using var reset = new StringWriter();
        await using (var hub = Services(database, reset, new Dictionary<string, string?> { [ConsoleAdminCredential.ResetSetting] = "1" }))
        {
            var credential = hub.Provider.GetRequiredService<ConsoleAdminCredential>();
            await credential.EnsureAsync(CancellationToken.None);
            var second = credential.GeneratedPassword.ShouldNotBeNull();
            second.ShouldNotBe(first);
            reset.ToString().ShouldContain(second);
            (await credential.VerifyAsync("admin", second, CancellationToken.None)).ShouldBeTrue();
            (await credential.VerifyAsync("admin", first, CancellationToken.None)).ShouldBeFalse();
        }
    }

    private static HubServices Services(IHubTestDatabase database, TextWriter console, IDictionary<string, string?>? settings = null) =>
        new(database, TimeProvider.System, settings: settings, console: console, services: s => s.AddSingleton<ConsoleSessions>().AddSingleton<ConsoleAdminCredential>());
}

public sealed class SqliteConsoleAdminCredentialTests : ConsoleAdminCredentialTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresConsoleAdminCredentialTests(PostgresCluster cluster) : ConsoleAdminCredentialTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
