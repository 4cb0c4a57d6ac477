using System.Diagnostics;
using System.Text;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Routing;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Larkway.Hub.Tests.TestSupport.TestCallers;

namespace Larkway.Hub.Tests.Notifications.Routing;

/// <summary>
/// Routing a submit's people costs the same queries for two recipients as for forty: the settings are read once and the
/// people, their links and open_ids are looked up together, not one round trip per recipient.
/// </summary>
public sealed class PersonRoutingQueryTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private HubServices _hub = null!;

    public Task InitializeAsync()
    {
        _hub = new HubServices(_db, TimeProvider.System, services: s =>
        {
            s.AddNotificationsWithoutSending(new ConfigurationBuilder().Build());
            s.AddHubDirectory();
            // The router alone: the linker's platform clients are not needed to route to Feishu.
            s.AddSingleton<RoutingSettingsStore>();
            s.AddSingleton<PersonRouter>();
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Forty_person_recipients_are_routed_with_the_queries_of_two()
    {
        var people = _hub.Provider.GetRequiredService<PeopleStore>();
        var links = _hub.Provider.GetRequiredService<PersonLinkStore>();
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var person = await people.RecordSeenAsync(new FeishuPersonSeen("", "tenant_1", $"ou_{i}", $"on_{i}", $"u_{i}", $"Person {i}") { Email = $"p{i}@example.com" });
            ids.Add(person.Id);
        }

        // A preference for a platform no app serves falls back to Feishu: it is read, and changes nothing.
        await links.SetPreferredPlatformAsync(ids[1], HubAppPlatform.DingTalk, CancellationToken.None);
        await links.SetPreferredPlatformAsync(ids[39], HubAppPlatform.WeCom, CancellationToken.None);

        // The first submit also fills the Hub's caches (the type, the apps): it is not the one compared.
        (await SubmitCountingAsync("po-1", ids.Take(1))).Result.Outcome.ShouldBe(NotificationSubmitOutcome.Queued);
        var (two, twoQueries) = await SubmitCountingAsync("po-2", ids.Take(2).Append(ids[39]));
        var (forty, fortyQueries) = await SubmitCountingAsync("po-40", ids);

        two.Outcome.ShouldBe(NotificationSubmitOutcome.Queued, string.Join("; ", two.Problems.Select(p => p.Message)));
        forty.Outcome.ShouldBe(NotificationSubmitOutcome.Queued, string.Join("; ", forty.Problems.Select(p => p.Message)));
        forty.Recipients.ShouldBe(40);
        var stored = await _hub.Provider.GetRequiredService<NotificationService>().GetAsync(forty.Id!, Erp, CancellationToken.None);
        stored.ShouldNotBeNull().Deliveries.Select(d => (d.RecipientType, d.Recipient)).Order().ShouldBe(Enumerable.Range(0, 40).Select(i => ("open_id", $"ou_{i}")).Order());
        fortyQueries.ShouldBe(twoQueries, "the SELECTs of a submit do not grow with its person recipients");
    }

    private async Task<(NotificationSubmitResult Result, int Selects)> SubmitCountingAsync(string key, IEnumerable<string> personIds)
    {
        var recipients = string.Join(",", personIds.Select(id => $$"""{"person":"{{id}}"}"""));
        var json = $$"""{"type":"po.created","idempotency_key":"{{key}}","feishu_template":{"template_id":"AAq1"},"recipients":[{{recipients}}]}""";
        var problems = new List<NotificationProblem>();
        var request = NotificationRequest.Parse(Encoding.UTF8.GetBytes(json), null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems));

        using var counter = new SelectCounter();
        var result = await counter.CountAsync(() => _hub.Provider.GetRequiredService<NotificationService>().SubmitAsync(request, Erp, CancellationToken.None));
        return (result, counter.Selects);
    }

    /// <summary>Counts the SELECT commands EF Core runs in one async flow (other tests' and background queries are not counted).</summary>
    private sealed class SelectCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private static readonly AsyncLocal<SelectCounter?> Current = new();
        private readonly IDisposable _all;
        private readonly List<IDisposable> _listeners = [];
        private int _selects;

        public SelectCounter() => _all = DiagnosticListener.AllListeners.Subscribe(this);

        public int Selects => Volatile.Read(ref _selects);

        public async Task<T> CountAsync<T>(Func<Task<T>> work)
        {
            Current.Value = this;
            try
            {
                return await work();
            }
            finally
            {
                Current.Value = null;
            }
        }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                lock (_listeners)
                {
                    _listeners.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name && ReferenceEquals(Current.Value, this)
                && value.Value is CommandExecutedEventData executed && executed.Command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _selects);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _all.Dispose();
            lock (_listeners)
            {
                _listeners.ForEach(l => l.Dispose());
            }
        }
    }
}
