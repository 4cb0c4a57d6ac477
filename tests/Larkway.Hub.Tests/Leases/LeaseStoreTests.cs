using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Larkway.Hub.Platform.Leases;

namespace Larkway.Hub.Tests.Leases;

/// <summary>The lease store's semantics, run on every provider (<see cref="SqliteLeaseStoreTests"/>, <see cref="PostgresLeaseStoreTests"/>).</summary>
public abstract class LeaseStoreTests : IAsyncLifetime
{
    private const string Name = "long-connection/cli_test";
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
    private readonly ManualTimeProvider _time = new();
    private IHubTestDatabase _db = null!;

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private HubServices Services(TimeProvider? time = null) => new(_db, time ?? _time);

    private static LeaseStore Leases(HubServices hub) => hub.Provider.GetRequiredService<LeaseStore>();

    [Fact]
    public async Task A_free_lease_is_acquired_until_now_plus_the_duration()
    {
        await using var hub = Services();

        (await Leases(hub).TryAcquireAsync(Name, "a", Duration)).ShouldBeTrue();

        var lease = await Leases(hub).GetAsync(Name);
        lease.ShouldBe(new HubLease(Name, "a", _time.GetUtcNow(), _time.GetUtcNow() + Duration));
    }

    [Fact]
    public async Task A_live_lease_of_another_owner_is_refused_and_left_unchanged()
    {
        await using var hub = Services();
        await Leases(hub).TryAcquireAsync(Name, "a", Duration);
        var before = await Leases(hub).GetAsync(Name);
        _time.Advance(Duration - TimeSpan.FromMilliseconds(1));

        (await Leases(hub).TryAcquireAsync(Name, "b", Duration)).ShouldBeFalse();

        (await Leases(hub).GetAsync(Name)).ShouldBe(before);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_by_another_owner()
    {
        await using var hub = Services();
        await Leases(hub).TryAcquireAsync(Name, "a", Duration);
        _time.Advance(Duration);

        (await Leases(hub).TryAcquireAsync(Name, "b", Duration)).ShouldBeTrue();

        (await Leases(hub).GetAsync(Name)).ShouldBe(new HubLease(Name, "b", _time.GetUtcNow(), _time.GetUtcNow() + Duration));
        (await Leases(hub).RenewAsync(Name, "a", Duration)).ShouldBeFalse();
    }

    [Fact]
    public async Task Acquiring_a_lease_already_held_extends_it_and_keeps_when_it_was_first_acquired()
    {
        await using var hub = Services();
        var first = _time.GetUtcNow();
        await Leases(hub).TryAcquireAsync(Name, "a", Duration);
        _time.Advance(TimeSpan.FromSeconds(10));

        (await Leases(hub).TryAcquireAsync(Name, "a", Duration)).ShouldBeTrue();

        (await Leases(hub).GetAsync(Name)).ShouldBe(new HubLease(Name, "a", first, _time.GetUtcNow() + Duration));
    }

    [Fact]
    public async Task Renew_extends_only_the_owners_live_lease()
    {
        await using var hub = Services();
        var store = Leases(hub);
        (await store.RenewAsync(Name, "a", Duration)).ShouldBeFalse(); // nothing to renew
        await store.TryAcquireAsync(Name, "a", Duration);
        _time.Advance(TimeSpan.FromSeconds(10));

        (await store.RenewAsync(Name, "b", Duration)).ShouldBeFalse();
        (await store.RenewAsync(Name, "a", Duration)).ShouldBeTrue();

        (await store.GetAsync(Name))!.ExpiresAt.ShouldBe(_time.GetUtcNow() + Duration);
    }

    [Fact]
    public async Task An_expired_lease_is_not_renewed_even_if_nobody_took_it()
    {
        await using var hub = Services();
        await Leases(hub).TryAcquireAsync(Name, "a", Duration);
        _time.Advance(Duration);

        (await Leases(hub).RenewAsync(Name, "a", Duration)).ShouldBeFalse();
    }

    [Fact]
    public async Task Release_frees_the_lease_only_for_its_owner()
    {
        await using var hub = Services();
        var store = Leases(hub);
        await store.TryAcquireAsync(Name, "a", Duration);

        (await store.ReleaseAsync(Name, "b")).ShouldBeFalse();
        (await store.TryAcquireAsync(Name, "b", Duration)).ShouldBeFalse();
        (await store.ReleaseAsync(Name, "a")).ShouldBeTrue();

        (await store.GetAsync(Name)).ShouldBeNull();
        (await store.TryAcquireAsync(Name, "b", Duration)).ShouldBeTrue();
    }

    [Fact]
    public async Task Leases_of_different_names_are_independent()
    {
        await using var hub = Services();

        (await Leases(hub).TryAcquireAsync("job/a", "a", Duration)).ShouldBeTrue();
        (await Leases(hub).TryAcquireAsync("job/b", "b", Duration)).ShouldBeTrue();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Many_owners_racing_for_a_free_or_expired_lease_get_exactly_one_winner(bool expiredFirst)
    {
        // Two replicas (service providers) on one database, each with several contenders, all at once.
        await using var one = Services();
        await using var two = Services();
        if (expiredFirst)
        {
            await Leases(one).TryAcquireAsync(Name, "old", Duration);
            _time.Advance(Duration);
        }

        for (var round = 0; round < 5; round++)
        {
            var name = $"{Name}/{round}";
            if (expiredFirst)
            {
                await Leases(one).TryAcquireAsync(name, "old", TimeSpan.FromMilliseconds(1));
                _time.Advance(TimeSpan.FromMilliseconds(1));
            }

            var attempts = Enumerable.Range(0, 16)
                .Select(i => Task.Run(() => Leases(i % 2 == 0 ? one : two).TryAcquireAsync(name, $"owner-{i}", Duration)))
                .ToList();
            var results = await Task.WhenAll(attempts);

            results.Count(r => r).ShouldBe(1);
            var winner = $"owner-{Array.IndexOf(results, true)}";
            (await Leases(one).GetAsync(name))!.Owner.ShouldBe(winner);
        }
    }
}

public sealed class SqliteLeaseStoreTests : LeaseStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLeaseStoreTests(PostgresCluster cluster) : LeaseStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
