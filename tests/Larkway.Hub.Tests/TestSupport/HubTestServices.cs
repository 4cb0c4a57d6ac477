using System.Text;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Larkway.Hub.Platform.Auth;

namespace Larkway.Hub.Tests.TestSupport;

/// <summary>An empty Hub database for one test: a SQLite file (<see cref="TempDatabase"/>) or a PostgreSQL database (<see cref="PostgresTestDatabase"/>).</summary>
public interface IHubTestDatabase : IAsyncDisposable
{
    /// <summary>The <c>Larkway:Storage:Provider</c> value.</summary>
    string Provider { get; }

    string ConnectionString { get; }
}

/// <summary>A temp directory holding a real SQLite file; deleted at the end.</summary>
public sealed class TempDatabase : IHubTestDatabase, IDisposable
{
    public TempDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "larkway-hub-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string FilePath => Path.Combine(Directory, "hub.db");

    public string Provider => "Sqlite";

    public string ConnectionString => $"Data Source={FilePath}";

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A database of its own on the shared <see cref="PostgresCluster"/>; dropped at the end.</summary>
public sealed class PostgresTestDatabase(string connectionString) : IHubTestDatabase
{
    public string Provider => "Postgres";

    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        var name = builder.Database;
        builder.Database = "postgres";
        builder.Pooling = false;
        await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The Hub-test half of <see cref="PostgresCluster"/> (the cluster file itself is shared with the Integration tests).</summary>
public sealed partial class PostgresCluster
{
    /// <summary>As <see cref="CreateDatabaseAsync"/>, dropped when disposed.</summary>
    public async Task<IHubTestDatabase> CreateTestDatabaseAsync() => new PostgresTestDatabase(await CreateDatabaseAsync());
}

/// <summary>The Hub's services on a database, as one process (one replica) would have them (no Program.cs).</summary>
public sealed class HubServices : IAsyncDisposable
{
    public HubServices(
        IHubTestDatabase database,
        TimeProvider time,
        Action<InboxOptions>? inbox = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        TextWriter? console = null)
        : this(database.ConnectionString, time, inbox, WithProvider(settings, database.Provider), services, console)
    {
    }

    public HubServices(
        string connectionString,
        TimeProvider time,
        Action<InboxOptions>? inbox = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        TextWriter? console = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Larkway:Storage:ConnectionString"] = connectionString,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        Configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();

        // The Hub's authorization policies cache per endpoint, so they need routing even without a web host.
        collection.AddRouting();
        collection.AddSingleton<IConfiguration>(Configuration);
        collection.AddSingleton(time);
        collection.AddSingleton(new HubConsole(console ?? TextWriter.Null));
        collection.AddHubStorage(Configuration);
        collection.AddHubLeases(Configuration);
        collection.AddHubInbox(Configuration, o =>
        {
            o.RetryJitter = 0;
            o.ClaimDelay = TimeSpan.Zero; // a manual clock would hold every claim; the integration tests run the default
            inbox?.Invoke(o);
        });
        collection.AddHubFeishuInbox(); // Feishu's door: the events these tests store are Feishu's
        collection.AddHubAuth();
        services?.Invoke(collection);
        Provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IConfiguration Configuration { get; }

    private static Dictionary<string, string?> WithProvider(IDictionary<string, string?>? settings, string provider) =>
        new(settings ?? new Dictionary<string, string?>(), StringComparer.OrdinalIgnoreCase) { ["Larkway:Storage:Provider"] = provider };

    public ServiceProvider Provider { get; }

    public InboxTestStore Store => new(Provider);

    public FeishuInboxSink Sink => Provider.GetRequiredService<FeishuInboxSink>();

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}

/// <summary>Event bodies as a receiver would hand them over (decrypted v2 JSON).</summary>
public static class TestEvents
{
    public const string CustomType = "test.custom_v1";

    public static FeishuInboundEvent Custom(string eventId, string app = "", string type = CustomType) =>
        Inbound($$$$"""
            {"schema":"2.0","header":{"event_id":"{{{{eventId}}}}","event_type":"{{{{type}}}}","create_time":"1700000000000","token":"vt","app_id":"cli_test","tenant_key":"tk"},"event":{"n":1}}
            """, app);

    public static FeishuInboundEvent Message(string eventId, string messageId, string app = "", string appId = "cli_test", string chat = "oc_1") =>
        Inbound($$$$"""
            {"schema":"2.0","header":{"event_id":"{{{{eventId}}}}","event_type":"im.message.receive_v1","create_time":"1700000000000","token":"vt","app_id":"{{{{appId}}}}","tenant_key":"tk"},
             "event":{"sender":{"sender_id":{"open_id":"ou_1"},"sender_type":"user"},
                      "message":{"message_id":"{{{{messageId}}}}","chat_id":"{{{{chat}}}}","chat_type":"group","message_type":"text","content":"{\"text\":\"hi\"}","create_time":"1700000000000"}}}
            """, app);

    public static FeishuInboundEvent CardAction(string eventId, string app = "") =>
        Inbound($$$$"""
            {"schema":"2.0","header":{"event_id":"{{{{eventId}}}}","event_type":"card.action.trigger","create_time":"1700000000000","token":"vt","app_id":"cli_test","tenant_key":"tk"},
             "event":{"operator":{"open_id":"ou_1"},"token":"c-update","action":{"tag":"button","value":{"k":"v"}},"context":{"open_message_id":"om_1","open_chat_id":"oc_1"}}}
            """, app);

    public static FeishuInboundEvent Inbound(string json, string app = "", FeishuEventTransport transport = FeishuEventTransport.Http)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return new FeishuInboundEvent(FeishuEventEnvelope.Parse(body), body, transport, app);
    }
}

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails after a generous bound (never a timing assertion).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string because, int maxIterations = 1000)
    {
        for (var i = 0; i < maxIterations; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new ShouldAssertException($"Condition not reached: {because}");
    }
}
