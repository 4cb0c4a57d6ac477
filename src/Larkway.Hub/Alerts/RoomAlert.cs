namespace Larkway.Hub.Alerts;

/// <summary>
/// A rule a room adds over what it stores (the approvals' failed and stuck creates, by platform): its names, words and
/// settings' bounds, and its check, which reads the room's store once per evaluation. The room registers it, so the alerts
/// run it as any rule — configured under <c>Larkway:Alerts:Rules</c>, listed in the console — without naming the room.
/// </summary>
internal interface IRoomAlert
{
    /// <summary>The name stored and shown: <c>approvals_failed</c>.</summary>
    string Name { get; }

    /// <summary>The key under <c>Larkway:Alerts:Rules</c>: the name in PascalCase, without its underscores.</summary>
    string ConfigName { get; }

    /// <summary>The rule in a few words.</summary>
    string Title { get; }

    /// <summary>What the threshold counts, in words (<c>approvals</c>, <c>minutes</c>).</summary>
    string ThresholdUnit { get; }

    /// <summary>The threshold unless configured.</summary>
    double DefaultThreshold { get; }

    /// <summary>The lowest threshold allowed.</summary>
    double MinThreshold { get; }

    /// <summary>The highest threshold allowed.</summary>
    double MaxThreshold { get; }

    /// <summary>The window unless configured; null for a rule that takes none.</summary>
    TimeSpan? DefaultWindow { get; }

    /// <summary>The rule in words, with its settings, for the console.</summary>
    string Describe(AlertRuleSettings settings);

    /// <summary>Whether the rule breaches at <paramref name="now"/>, and what was measured.</summary>
    Task<AlertCheck> CheckAsync(AlertRuleSettings settings, DateTimeOffset now, CancellationToken cancellationToken);
}
