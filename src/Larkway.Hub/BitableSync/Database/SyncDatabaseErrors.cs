using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// What a sync's database failure may say (issue 28 §3): the exception's type, PostgreSQL's SQLSTATE or SQLite's error
/// code, and a hint — never the provider's own message, which can carry the host, the user or the whole connection string.
/// </summary>
internal static class SyncDatabaseErrors
{
    /// <summary>Whether <paramref name="exception"/> is one this class describes (a provider's, or a connection string it could not parse).</summary>
    public static bool IsDatabaseFailure(Exception exception) => exception is DbException or ArgumentException or InvalidOperationException or TimeoutException;

    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            PostgresException pg => $"PostgreSQL refused ({pg.GetType().Name}, SQLSTATE {pg.SqlState}): {PostgresHint(pg.SqlState)}",
            NpgsqlException npgsql => $"PostgreSQL cannot be reached ({npgsql.GetType().Name}{Inner(npgsql)}): check the host, port and network, and that the server is up.",
            SqliteException sqlite => $"SQLite refused ({sqlite.GetType().Name}, error {sqlite.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}): {SqliteHint(sqlite.SqliteErrorCode)}",
            DbException db => $"The database failed ({db.GetType().Name}).",
            ArgumentException or FormatException => $"The connection string cannot be used ({exception.GetType().Name}): check its keywords and values.",
            TimeoutException => "The database did not answer in time (TimeoutException).",
            _ => $"The database cannot be used ({exception.GetType().Name}).",
        };
    }

    private static string Inner(Exception exception) => exception.InnerException is { } inner ? ", " + inner.GetType().Name : "";

    private static string PostgresHint(string state) => state switch
    {
        "28P01" or "28000" => "the login was refused; check the user name and password.",
        "3D000" => "there is no such database; check the Database keyword.",
        "42501" => "permission denied; grant the user what the sync needs (read, write, create its tables and triggers).",
        "42P01" => "a table is missing.",
        "53300" => "too many connections; try later or raise max_connections.",
        _ when state.StartsWith("08", StringComparison.Ordinal) => "the connection failed; check the host, port and network.",
        _ when state.StartsWith("57", StringComparison.Ordinal) => "the server is shutting down or unavailable; try later.",
        _ => "see the server's log for this SQLSTATE.",
    };

    private static string SqliteHint(int code) => (code & 0xFF) switch
    {
        5 or 6 => "the database is locked by another writer; try later.",
        8 => "the file is read-only to the Hub; the sync writes its tables beside yours.",
        10 => "a disk I/O error.",
        13 => "the disk is full.",
        14 => "the file cannot be opened; it must exist (the Hub never creates one) and be readable and writable by the Hub.",
        26 => "the file is not a SQLite database.",
        _ => "see SQLite's result codes.",
    };
}
