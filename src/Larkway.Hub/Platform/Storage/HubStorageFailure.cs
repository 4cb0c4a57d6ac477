using System.Net.Sockets;
using Larkway.Hub.Platform.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// A database the Hub cannot open at start is a setting (or a server) to fix, not a crash: one sentence naming the
/// database, what went wrong and what to check. The connection string is never repeated (it may hold a password).
/// </summary>
internal static class HubStorageFailure
{
    /// <summary>The sentence for <paramref name="exception"/>, or null when it is not a failure to open or reach the database.</summary>
    public static HubConfigurationException? Describe(Exception exception, IHubStorageProvider provider)
    {
        var reason = Reason(exception);
        if (reason is null)
        {
            return null;
        }

        var message = provider switch
        {
            SqliteHubStorageProvider sqlite =>
                $"The Hub cannot open its SQLite database {Path.GetFullPath(sqlite.DataSource)}: {reason} "
                + "Check that its folder exists or can be created and that this user may write there, or set Larkway:Storage:ConnectionString.",
            PostgresHubStorageProvider postgres =>
                $"The Hub cannot use its PostgreSQL database {postgres.Target}: {reason} "
                + "Check that the server is running and reachable from here, and the host, port, database, user and password in Larkway:Storage:ConnectionString.",
            _ => $"The Hub cannot open its database: {reason} Check Larkway:Storage:ConnectionString.",
        };
        return new HubConfigurationException(message, exception);
    }

    private static string? Reason(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException or NpgsqlException or IOException or UnauthorizedAccessException or SocketException:
                    var text = e.Message.Trim();
                    return text.EndsWith('.') ? text : text + ".";
            }
        }

        return null;
    }
}
