using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// The levels of EF Core's own failure lines in the Hub. EF Core logs a failed command, save or query at Error, with
/// the stack trace, before the caller sees the exception — so an expected failure (a unique violation settled as
/// "already there", a busy database answered with 503) read as an error. Those lines are Debug here and the code that
/// catches the exception decides: an expected one is handled quietly; an unexpected one still reaches a line with its
/// cause — ASP.NET Core's unhandled-exception line for a request, the queue worker's line (<see cref="Queue.QueueErrors.ForLog"/>)
/// for background work, the start's one-line failure for startup.
/// </summary>
internal static class HubDbLogging
{
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder) =>
        builder.ConfigureWarnings(w => w.Log(
            // A connection that cannot be opened: the start names the database and the setting; the queues log and retry.
            (RelationalEventId.ConnectionError, LogLevel.Information),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug)));
}
