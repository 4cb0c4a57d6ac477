using System.Collections.Frozen;
using System.Text;
using Larkway.Hub.Platform.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// What a sync may never reach, whatever its kind (issue 28 §2): a table the Hub's own model maps (its keys, tokens,
/// sessions and grants), EF Core's migrations history, the engine's own <c>larkway_sync_*</c> tables, and — for SQLite —
/// the Hub's own database file (by any name: path, symbolic or hard link), a file that is not a SQLite database, or a file
/// that does not exist yet.
/// </summary>
internal sealed class SyncDatabaseGuard(IDbContextFactory<HubDbContext> contexts, IHubStorageProvider storage)
{
    private const string Hint = "A sync reads and writes a table of your own database; the Hub's tables hold its keys, tokens, sessions and grants.";
    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");

    // Read from the model itself, so a table added later is covered without a list to keep.
    private readonly Lazy<FrozenSet<string>> _hubTables = new(() =>
    {
        using var db = contexts.CreateDbContext();
        return db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    });

    /// <summary>Why <paramref name="table"/> may not be synced, or null when it may.</summary>
    public string? TableProblem(string table)
    {
        var name = Unqualified(table);
        if (name.StartsWith("__EF", StringComparison.OrdinalIgnoreCase) || name.StartsWith("larkway_sync_", StringComparison.OrdinalIgnoreCase)
            || _hubTables.Value.Contains(name))
        {
            return $"'{name}' is one of the Hub's own tables (or the sync engine's); no sync may read or write it. {Hint}";
        }

        return null;
    }

    /// <summary>
    /// The connection string a SQLite sync opens: always <c>Mode=ReadWrite</c> (an absent file is an error, never created,
    /// whatever mode the string asked for); refused when it names the Hub's own database (or its journal files), memory,
    /// a URI filename, a missing file or a file that is not a SQLite database.
    /// </summary>
    /// <exception cref="SyncConfigurationException">The string may not be opened; the message says why and names no secret.</exception>
    public string Sqlite(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new SyncConfigurationException($"The SQLite connection string cannot be read ({ex.GetType().Name}); write it as 'Data Source=/path/to/file.db'.");
        }

        var source = builder.DataSource.Trim();
        if (source.Length == 0 || source.Equals(":memory:", StringComparison.OrdinalIgnoreCase) || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new SyncConfigurationException("A SQLite sync needs a database file (Data Source=/path/to/file.db); a memory database holds no table to sync.");
        }

        if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw new SyncConfigurationException("A SQLite URI filename (file:…) is not accepted: give the file's path (Data Source=/path/to/file.db).");
        }

        var path = RealPath(ExpandDataDirectory(source));
        if (IsHubFile(path))
        {
            throw new SyncConfigurationException($"The SQLite file is the Hub's own database. {Hint} Give the path of your own database file.");
        }

        if (!File.Exists(path))
        {
            throw new SyncConfigurationException($"There is no SQLite file at {path}; the Hub never creates one. Check the Data Source path (relative paths start at the Hub's working directory).");
        }

        bool database;
        try
        {
            database = HasSqliteHeader(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SyncConfigurationException($"The SQLite file at {path} cannot be read by the Hub ({ex.GetType().Name}); check its permissions.");
        }

        if (!database)
        {
            throw new SyncConfigurationException($"The file at {path} is not a SQLite database.");
        }

        builder.DataSource = path;
        builder.Mode = SqliteOpenMode.ReadWrite;
        return builder.ToString();
    }

    /// <summary>
    /// Checks the file <paramref name="connection"/> opened — not its path again — before anything is read from it or
    /// written to it: on Linux, by the identity of the very descriptor SQLite reads and writes through
    /// (<see cref="SqliteOpenedFile"/>), which no later change of the path can swap, and by that descriptor's first bytes.
    /// Whatever the path named between <see cref="Sqlite"/>'s check and the open (a symbolic link to the Hub's database put
    /// in the file's place), the file in use is the one judged here. Elsewhere the path comparison alone holds.
    /// </summary>
    /// <exception cref="SyncConfigurationException">The opened file is the Hub's, not a SQLite database, or cannot be told.</exception>
    public void CheckOpened(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var descriptor = SqliteOpenedFile.MainDescriptor(connection);
        if (descriptor is not { } fd || FileIdentity.OfDescriptor(fd) is not { } identity)
        {
            throw new SyncConfigurationException("The Hub cannot tell which file SQLite opened for this sync (SQLite's unix VFS was not in use), so it does not use it.");
        }

        if (HubFiles().Any(hub => FileIdentity.Of(hub) == identity))
        {
            throw new SyncConfigurationException($"The SQLite file is the Hub's own database. {Hint} Give the path of your own database file.");
        }

        Span<byte> header = stackalloc byte[SqliteHeader.Length];
        int read;
        try
        {
            read = SqliteOpenedFile.ReadStart(fd, header);
        }
        catch (IOException ex)
        {
            throw new SyncConfigurationException($"The SQLite file cannot be read by the Hub ({ex.GetType().Name}); check its permissions.");
        }

        if (!IsSqliteStart(header[..read]))
        {
            throw new SyncConfigurationException("The file opened is not a SQLite database.");
        }
    }

    private static string Unqualified(string table)
    {
        var name = table.Trim();
        var dot = name.LastIndexOf('.');
        if (dot >= 0)
        {
            name = name[(dot + 1)..];
        }

        return name.Trim().Trim('"', '`', '[', ']', '\'').Trim();
    }

    /// <summary>
    /// Whether <paramref name="path"/> is the Hub's database or one of its journals: by path (links resolved), and by the
    /// file's identity (<see cref="FileIdentity"/>), so a hard link — another name of the same file — is refused too. Where
    /// no identity can be read (not Linux), the path comparison alone decides.
    /// </summary>
    private bool IsHubFile(string path)
    {
        var hubFiles = HubFiles().ToList();
        if (hubFiles.Any(hub => string.Equals(hub, path, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)))
        {
            return true;
        }

        return FileIdentity.Of(path) is { } identity && hubFiles.Any(hub => FileIdentity.Of(hub) == identity);
    }

    private IEnumerable<string> HubFiles()
    {
        if (storage is not SqliteHubStorageProvider sqlite)
        {
            return [];
        }

        var hub = RealPath(ExpandDataDirectory(sqlite.DataSource));
        return [hub, hub + "-wal", hub + "-shm", hub + "-journal"];
    }

    private static string ExpandDataDirectory(string source) =>
        source.StartsWith("|DataDirectory|", StringComparison.OrdinalIgnoreCase)
            ? Path.Combine(AppDomain.CurrentDomain.GetData("DataDirectory") as string ?? AppContext.BaseDirectory, source["|DataDirectory|".Length..].TrimStart('/', '\\'))
            : source;

    /// <summary>The full path with every symbolic link on the way resolved (as far as the path exists).</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = System.IO.Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                current = Path.GetFullPath(target.FullName);
            }
        }

        return current;
    }

    private static bool HasSqliteHeader(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[SqliteHeader.Length];
        return IsSqliteStart(header[..file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false)]);
    }

    /// <summary>Whether a file beginning with <paramref name="start"/> is a SQLite database: its header, or nothing at all (SQLite's own empty database).</summary>
    private static bool IsSqliteStart(ReadOnlySpan<byte> start) => start.IsEmpty || start.SequenceEqual(SqliteHeader);
}
