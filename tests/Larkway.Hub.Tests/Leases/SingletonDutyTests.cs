using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Larkway.Hub.Platform.Leases;

namespace Larkway.Hub.Tests.Leases;

/// <summary>
/// The singleton-duty runner with two "replicas" (service providers) on one database, on every provider. Waits are
/// bounded polls, never timing assertions.
/// </summary>
public abstract class SingletonDutyTests : IAsyncLifetime
{
    private const string Name = "duty/test";
    private IHubTestDatabase _db = null!;

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    // Real time: a lease long enough that no renewal is at risk on a loaded machine, standbys polling often.
    private static LeaseOptions Quick() => new() { Duration = TimeSpan.FromSeconds(9), RetryInterval = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task The_duty_runs_on_exactly_one_of_two_runners_and_moves_to_the_other_when_the_holder_stops()
    {
        var tracker = new DutyTracker();
        await using var one = new HubServices(_db, TimeProvider.System);
        await using var two = new HubServices(_db, TimeProvider.System);
        using var a = new TestDuty(Name, one, Quick(), TimeProvider.System, tracker);
        using var b = new TestDuty(Name, two, Quick(), TimeProvider.System, tracker);
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(() => Task.FromResult(tracker.Starts == 1), "one duty started");
        var (holder, standby) = a.Started.Task.IsCompleted ? (a, b) : (b, a);

        // The standby keeps trying (every 50 ms) while the holder renews; it never gets the lease.
        var lease = await one.Provider.GetRequiredService<LeaseStore>().GetAsync(Name);
        lease!.Owner.ShouldBe(holder.Owner);
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(20);
            standby.Started.Task.IsCompleted.ShouldBeFalse();
        }

        await holder.StopAsync(CancellationToken.None);

        holder.Token.IsCancellationRequested.ShouldBeTrue();
        await Eventually.TrueAsync(() => Task.FromResult(standby.Started.Task.IsCompleted), "the standby took the duty over");
        tracker.MaxConcurrent.ShouldBe(1);
        (await one.Provider.GetRequiredService<LeaseStore>().GetAsync(Name))!.Owner.ShouldBe(standby.Owner);
        standby.IsHolding.ShouldBeTrue();
        holder.IsHolding.ShouldBeFalse();

        await standby.StopAsync(CancellationToken.None);
        (await one.Provider.GetRequiredService<LeaseStore>().GetAsync(Name)).ShouldBeNull(); // released on shutdown
    }

    [Fact]
    public async Task A_duty_that_stands_aside_hands_the_lease_to_the_other_runner_and_competes_again_after_its_pause()
    {
        var tracker = new DutyTracker();
        await using var one = new HubServices(_db, TimeProvider.System);
        await using var two = new HubServices(_db, TimeProvider.System);
        var store = one.Provider.GetRequiredService<LeaseStore>();

        // The first runner holds alone, and its duty (cut off, say) stands aside for a while.
        using var a = new TestDuty(Name, one, Quick(), TimeProvider.System, tracker) { StandAsideFor = TimeSpan.FromSeconds(30) };
        await a.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(a.Started.Task.IsCompleted), "the first runner's duty started");
        using var b = new TestDuty(Name, two, Quick(), TimeProvider.System, tracker);
        await b.StartAsync(CancellationToken.None);
        await a.StandAsideNowAsync();

        // The lease is released, not held until it expires: the other runner takes it although it is long.
        await Eventually.TrueAsync(() => Task.FromResult(b.Started.Task.IsCompleted), "the other runner took the duty");
        (await store.GetAsync(Name))!.Owner.ShouldBe(b.Owner);
        a.IsHolding.ShouldBeFalse();
        tracker.Starts.ShouldBe(2);
        tracker.MaxConcurrent.ShouldBe(1);

        // During its pause the first runner does not compete: the lease the other releases stays free.
        await b.StopAsync(CancellationToken.None);
        (await store.GetAsync(Name)).ShouldBeNull();
        await a.StopAsync(CancellationToken.None); // the pause honours the host's stop
    }

    [Fact]
    public async Task A_runner_that_stood_aside_takes_the_duty_back_after_its_pause_when_nobody_else_has()
    {
        var tracker = new DutyTracker();
        await using var one = new HubServices(_db, TimeProvider.System);
        using var a = new TestDuty(Name, one, Quick(), TimeProvider.System, tracker) { StandAsideFor = TimeSpan.FromMilliseconds(200) };
        await a.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(a.Started.Task.IsCompleted), "the duty started");
        await a.StandAsideNowAsync();

        await Eventually.TrueAsync(() => Task.FromResult(tracker.Starts == 2 && a.IsHolding), "the duty ran again on the same runner");
        tracker.Starts.ShouldBe(2);
        tracker.MaxConcurrent.ShouldBe(1);
        a.IsHolding.ShouldBeTrue();
        await a.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_holder_that_cannot_renew_has_its_duty_cancelled()
    {
        var time = new ManualTimeProvider();
        var options = new LeaseOptions { Duration = TimeSpan.FromSeconds(30), RetryInterval = TimeSpan.FromSeconds(5) };
        await using var one = new HubServices(_db, time);
        using var holder = new TestDuty(Name, one, options, time, new DutyTracker());
        await holder.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(holder.Started.Task.IsCompleted), "the duty started");
        var token = holder.Token;

        // The holder stalls past its lease (no renewal ran): the renewal, due long ago, finds the lease expired.
        time.Advance(options.Duration);

        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100)); // in case the renewal timer was set just after the jump
            return Task.FromResult(token.IsCancellationRequested);
        }, "the duty's token was cancelled");

        // It then competes again like anyone else (nobody took the expired lease, so it may win it back).
        await holder.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_holder_whose_lease_is_taken_over_stops_its_duty_at_the_next_renewal()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var options = new LeaseOptions { Duration = TimeSpan.FromSeconds(30), RetryInterval = TimeSpan.FromSeconds(5) };
        await using var one = new HubServices(_db, time);
        using var holder = new TestDuty(Name, one, options, time, new DutyTracker());
        await holder.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(holder.Started.Task.IsCompleted), "the duty started");
        var store = one.Provider.GetRequiredService<LeaseStore>();

        // Someone else now owns the row (as if the lease had been stolen); the clock moves only up to the first renewal.
        await store.ReleaseAsync(Name, holder.Owner);
        (await store.TryAcquireAsync(Name, "thief", options.Duration)).ShouldBeTrue();
        await Eventually.TrueAsync(() =>
        {
            if (time.GetUtcNow() < start + options.RenewInterval)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }

            return Task.FromResult(holder.Token.IsCancellationRequested);
        }, "the duty's token was cancelled");

        await holder.StopAsync(CancellationToken.None);
        (await store.GetAsync(Name))!.Owner.ShouldBe("thief"); // not released: it was not the holder's
    }

    [Fact]
    public async Task A_dead_replicas_lease_is_taken_over_once_it_expires()
    {
        var time = new ManualTimeProvider();
        var options = new LeaseOptions { Duration = TimeSpan.FromSeconds(30), RetryInterval = TimeSpan.FromSeconds(5) };
        await using var one = new HubServices(_db, time);
        var store = one.Provider.GetRequiredService<LeaseStore>();

        // A replica took the lease and died: nobody renews or releases it.
        var diedAt = time.GetUtcNow();
        (await store.TryAcquireAsync(Name, "dead-replica", options.Duration)).ShouldBeTrue();
        using var standby = new TestDuty(Name, one, options, time, new DutyTracker());
        await standby.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(time.ActiveTimers > 0), "the standby waiting to retry");
        standby.Started.Task.IsCompleted.ShouldBeFalse();

        await Eventually.TrueAsync(() =>
        {
            time.Advance(options.RetryInterval);
            return Task.FromResult(standby.Started.Task.IsCompleted);
        }, "the standby took the expired lease");

        var lease = await store.GetAsync(Name);
        lease!.Owner.ShouldBe(standby.Owner);
        lease.AcquiredAt.ShouldBeGreaterThanOrEqualTo(diedAt + options.Duration); // not before the dead replica's lease expired
        await standby.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_job_runs_repeatedly_on_one_replica_only()
    {
        var runs = new JobLog();
        var settings = new Dictionary<string, string?>
        {
            ["Larkway:Leases:Duration"] = "00:00:09",
            ["Larkway:Leases:RetryInterval"] = "00:00:00.050",
        };
        await using var one = new HubServices(_db, TimeProvider.System, settings: settings, services: s => s.AddSingleton(new TestJob("one", runs)).AddHubJob<TestJob>());
        await using var two = new HubServices(_db, TimeProvider.System, settings: settings, services: s => s.AddSingleton(new TestJob("two", runs)).AddHubJob<TestJob>());
        // The test job's runner on each replica (the inbox's own retention job is registered beside it).
        var hosted = one.Provider.GetServices<IHostedService>().OfType<SingletonDuty>().Concat(two.Provider.GetServices<IHostedService>().OfType<SingletonDuty>())
            .Where(d => d.LeaseName == "job/test-job").ToList();
        hosted.Count.ShouldBe(2);
        hosted.ShouldAllBe(d => d.LeaseName == "job/test-job");
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        await Eventually.TrueAsync(() => Task.FromResult(runs.Count >= 5), "five runs");

        // Read while both replicas are up: once the leader stops, the standby rightly takes the job over.
        var replicas = runs.Replicas;
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        replicas.Count.ShouldBe(1);
        runs.MaxConcurrent.ShouldBe(1);
    }

    private sealed class DutyTracker
    {
        private int _running;
        private int _max;
        private int _starts;

        public int Starts => Volatile.Read(ref _starts);

        public int MaxConcurrent => Volatile.Read(ref _max);

        public void Enter()
        {
            Interlocked.Increment(ref _starts);
            var now = Interlocked.Increment(ref _running);
            int seen;
            while ((seen = Volatile.Read(ref _max)) < now && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }
        }

        public void Exit() => Interlocked.Decrement(ref _running);
    }

    private sealed class TestDuty(string name, HubServices hub, LeaseOptions options, TimeProvider time, DutyTracker tracker)
        : SingletonDuty(name, hub.Provider.GetRequiredService<LeaseStore>(), Options.Create(options), time, NullLogger.Instance)
    {
        private TaskCompletionSource _go = NewSignal();
        private TaskCompletionSource _returned = NewSignal();

        public TaskCompletionSource Started { get; } = NewSignal();

        public CancellationToken Token { get; private set; }

        /// <summary>When set, the running duty stands aside for this long once told to (<see cref="StandAsideNowAsync"/>).</summary>
        public TimeSpan? StandAsideFor { get; set; }

        /// <summary>Tells the running duty to stand aside, and waits until it has returned.</summary>
        public async Task StandAsideNowAsync()
        {
            var returned = _returned;
            _go.TrySetResult();
            await returned.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        protected override async Task RunDutyAsync(CancellationToken cancellationToken)
        {
            tracker.Enter();
            try
            {
                Token = cancellationToken;
                Started.TrySetResult();
                if (StandAsideFor is { } pause)
                {
                    await _go.Task.WaitAsync(cancellationToken);
                    _go = NewSignal();
                    StandAside(pause);
                    var returned = _returned;
                    _returned = NewSignal();
                    returned.TrySetResult();
                    return;
                }

                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                tracker.Exit();
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class JobLog
    {
        private readonly Lock _lock = new();
        private readonly HashSet<string> _replicas = [];
        private int _count;
        private int _running;

        public int Count => Volatile.Read(ref _count);

        public int MaxConcurrent { get; private set; }

        public IReadOnlyCollection<string> Replicas
        {
            get
            {
                lock (_lock)
                {
                    return [.. _replicas];
                }
            }
        }

        public void Enter(string replica)
        {
            lock (_lock)
            {
                _replicas.Add(replica);
                _running++;
                MaxConcurrent = Math.Max(MaxConcurrent, _running);
            }
        }

        public void Exit()
        {
            lock (_lock)
            {
                _running--;
                _count++;
            }
        }
    }

    private sealed class TestJob(string replica, JobLog log) : IHubJob
    {
        public string Name => "test-job";

        public TimeSpan Interval => TimeSpan.FromMilliseconds(20);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            log.Enter(replica);
            try
            {
                await Task.Delay(5, cancellationToken);
            }
            finally
            {
                log.Exit();
            }
        }
    }
}

public sealed class SqliteSingletonDutyTests : SingletonDutyTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSingletonDutyTests(PostgresCluster cluster) : SingletonDutyTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
