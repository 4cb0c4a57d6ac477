using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Larkway.Hub.Tests.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server for the tests: <c>initdb</c> + <c>pg_ctl start</c> in a temp directory on a free
/// port (trust auth, no fsync), run as the <c>postgres</c> OS user when the tests run as root (PostgreSQL refuses
/// root). One per test run, shared through the <see cref="PostgresCollection"/>; each test class or test gets its
/// own database from <see cref="CreateDatabaseAsync"/>. Stopped (immediate) and deleted on dispose. Linked into
/// Larkway.Integration.Tests too (Hub processes on PostgreSQL), so it depends on nothing else in this project.
/// </summary>
/// <remarks>
/// The binaries come from Debian's <c>postgresql</c> package (scripts/install-test-deps.sh installs it). When they
/// are missing, constructing this fails — and so does every PostgreSQL test, with that instruction: never a skip.
/// </remarks>
public sealed partial class PostgresCluster : IAsyncLifetime
{
    private const string Superuser = "postgres";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "larkway-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly bool _asRoot = Environment.UserName == "root";
    private string _bin = "";
    private int _databases;

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username={Superuser};Database=postgres;Pooling=false";

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        System.IO.Directory.CreateDirectory(_root);
        if (_asRoot)
        {
            await RunAsync("chown", [Superuser, _root], asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataDirectory, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);

        // A port taken between probing and binding makes the start fail: try another.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = string.Create(CultureInfo.InvariantCulture,
                $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400");
            try
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-o", options, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start"]);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"hub_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}");
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username={Superuser};Database={name}";
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Port != 0)
        {
            try
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the directory goes anyway.
            }
        }

        try
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The newest <c>bin</c> directory under <paramref name="root"/> holding initdb and pg_ctl; fails with what to run when there is none.</summary>
    internal static string FindBinaries(string root = "/usr/lib/postgresql")
    {
        var bin = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) were not found under {root}/*/bin. Run scripts/install-test-deps.sh (installs Debian's postgresql package) and run the tests again.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunAsync(string file, IReadOnlyList<string> arguments) => RunAsync(file, arguments, asPostgres: _asRoot);

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", Superuser, "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}

/// <summary>The test classes that share one <see cref="PostgresCluster"/> (xunit creates it once for the collection).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
