using System.Data.Common;

namespace Larkway.Hub.Inbox;

/// <summary>
/// The columns both inbox writers insert for an event, bound in one order (parameters 0–12), so the SQLite and the
/// PostgreSQL insert cannot drift apart; each writer binds what only it has (the dedup keys, the trace) after them.
/// </summary>
internal static class InboxEventColumns
{
    /// <summary>The number of parameters <see cref="Bind"/> sets.</summary>
    public const int Count = 13;

    /// <summary>Sets parameters 0 to <see cref="Count"/> − 1 from the event (times as Unix milliseconds, states by name).</summary>
    public static void Bind(DbParameterCollection p, InboxEvent e)
    {
        p[0].Value = e.AppName;
        p[1].Value = e.EventType;
        p[2].Value = (object?)e.DedupKey ?? DBNull.Value;
        p[3].Value = e.Body;
        p[4].Value = e.Transport.Name;
        p[5].Value = e.ReceivedAt.ToUnixTimeMilliseconds();
        p[6].Value = e.State.ToString();
        p[7].Value = e.Attempts;
        p[8].Value = e.NextAttemptAt is { } next ? next.ToUnixTimeMilliseconds() : DBNull.Value;
        p[9].Value = (object?)e.LeaseOwner ?? DBNull.Value;
        p[10].Value = e.LeaseUntil is { } until ? until.ToUnixTimeMilliseconds() : DBNull.Value;
        p[11].Value = e.CompletedAt is { } completed ? completed.ToUnixTimeMilliseconds() : DBNull.Value;
        p[12].Value = (object?)e.Lane ?? DBNull.Value;
    }
}
