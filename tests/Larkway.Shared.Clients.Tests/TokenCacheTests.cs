using Larkway.Shared.Clients;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.Shared.Clients.Tests;

public sealed class TokenCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Callers_that_find_the_cache_cold_at_once_share_one_fetch()
    {
        var cache = new TokenCache<AccessToken>(_time);
        var release = new TaskCompletionSource<AccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fetches = 0;
        Task<AccessToken> Fetch(CancellationToken _)
        {
            Interlocked.Increment(ref fetches);
            return release.Task;
        }

        var callers = Enumerable.Range(0, 10).Select(_ => cache.GetAsync(Fetch, CancellationToken.None).AsTask()).ToArray();
        release.SetResult(Token("t1", TimeSpan.FromHours(2)));
        var tokens = await Task.WhenAll(callers);

        tokens.ShouldAllBe(t => t.Value == "t1");
        fetches.ShouldBe(1);
        cache.TryGetFresh().ShouldNotBeNull().Value.ShouldBe("t1");
    }

    [Fact]
    public async Task A_token_is_replaced_from_its_refresh_instant_not_its_expiry()
    {
        var cache = new TokenCache<AccessToken>(_time);
        var next = 0;
        Task<AccessToken> Fetch(CancellationToken _) => Task.FromResult(Token($"t{++next}", TimeSpan.FromHours(2)));

        (await cache.GetAsync(Fetch, CancellationToken.None)).Value.ShouldBe("t1");
        _time.Advance(TimeSpan.FromMinutes(114));
        (await cache.GetAsync(Fetch, CancellationToken.None)).Value.ShouldBe("t1");
        _time.Advance(TimeSpan.FromMinutes(1));
        cache.TryGetFresh().ShouldBeNull();
        (await cache.GetAsync(Fetch, CancellationToken.None)).Value.ShouldBe("t2");
    }

    [Fact]
    public async Task Invalidating_drops_only_the_token_named()
    {
        var cache = new TokenCache<AccessToken>(_time);
        var next = 0;
        Task<AccessToken> Fetch(CancellationToken _) => Task.FromResult(Token($"t{++next}", TimeSpan.FromHours(2)));
        await cache.GetAsync(Fetch, CancellationToken.None);

        cache.Invalidate("an-older-token");
        cache.TryGetFresh().ShouldNotBeNull().Value.ShouldBe("t1");

        cache.Invalidate("t1");
        cache.TryGetFresh().ShouldBeNull();
        (await cache.GetAsync(Fetch, CancellationToken.None)).Value.ShouldBe("t2");
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_fetch_the_others_await()
    {
        var cache = new TokenCache<AccessToken>(_time);
        var release = new TaskCompletionSource<AccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken seen = default;
        Task<AccessToken> Fetch(CancellationToken ct)
        {
            seen = ct;
            return release.Task;
        }

        using var impatient = new CancellationTokenSource();
        var first = cache.GetAsync(Fetch, impatient.Token).AsTask();
        var second = cache.GetAsync(Fetch, CancellationToken.None).AsTask();
        await impatient.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => first);

        release.SetResult(Token("t1", TimeSpan.FromHours(2)));
        (await second).Value.ShouldBe("t1");
        seen.CanBeCanceled.ShouldBeFalse();
    }

    [Fact]
    public async Task A_failed_fetch_reaches_every_waiter_and_the_next_call_fetches_again()
    {
        var cache = new TokenCache<AccessToken>(_time);
        var calls = 0;
        Task<AccessToken> Fetch(CancellationToken _) => ++calls == 1
            ? Task.FromException<AccessToken>(new InvalidOperationException("refused"))
            : Task.FromResult(Token("t2", TimeSpan.FromHours(2)));

        (await Should.ThrowAsync<InvalidOperationException>(() => cache.GetAsync(Fetch, CancellationToken.None).AsTask())).Message.ShouldBe("refused");
        (await cache.GetAsync(Fetch, CancellationToken.None)).Value.ShouldBe("t2");
    }

    [Fact]
    public void A_token_is_replaced_its_margin_before_expiry_or_at_half_a_short_life_and_never_prints_its_value()
    {
        var now = _time.GetUtcNow();

        var normal = AccessToken.Issued("secret-value", now, TimeSpan.FromHours(2), TimeSpan.FromMinutes(5));
        normal.ExpiresAt.ShouldBe(now + TimeSpan.FromHours(2));
        normal.RefreshAt.ShouldBe(now + TimeSpan.FromMinutes(115));

        AccessToken.Issued("short", now, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5)).RefreshAt.ShouldBe(now + TimeSpan.FromMinutes(2));
        normal.ToString().ShouldNotContain("secret-value");
    }

    private AccessToken Token(string value, TimeSpan lifetime) => AccessToken.Issued(value, _time.GetUtcNow(), lifetime, TimeSpan.FromMinutes(5));
}
