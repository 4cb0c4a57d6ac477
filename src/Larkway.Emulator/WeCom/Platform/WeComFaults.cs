using Larkway.Emulator.Platform;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>
/// Armed WeCom faults (<c>POST /_emulator/wecom/faults</c>): the Feishu <see cref="FaultInjector"/> machinery in a separate
/// instance, so a Feishu or DingTalk "*" rule never fires on a WeCom call. Kinds: <c>server_error</c> (HTTP 502 from the
/// gateway, no WeCom body), <c>server_error_after</c> (the call is carried out, then answered as <c>server_error</c>: a
/// lost answer, whose effect — a submitted application — is there), <c>system_busy</c> (errcode -1), <c>rate_limit</c> (45009), <c>concurrency_limit</c>
/// (45033), <c>invalid_token</c> (the caller's token is revoked first, so it answers 40014 now and later),
/// <c>expired_token</c> (likewise, 42001) and <c>delay</c> (<c>delay_ms</c>, default 1000).
/// </summary>
internal sealed class WeComFaults
{
    public const string SystemBusy = "system_busy";
    public const string ConcurrencyLimit = "concurrency_limit";
    public const string ExpiredToken = "expired_token";

    private readonly FaultInjector _rules = new();

    public static bool IsKnownKind(string kind) =>
        kind is FaultRule.ServerError or FaultRule.ServerErrorAfter or FaultRule.RateLimit or FaultRule.Delay or FaultRule.InvalidToken or SystemBusy or ConcurrencyLimit or ExpiredToken;

    /// <summary>"POST /cgi-bin/message/send" or "post /wecom/cgi-bin/message/send/" → "POST /wecom/cgi-bin/message/send".</summary>
    public static string Normalize(string endpoint)
    {
        if (endpoint.Trim() == "*")
        {
            return "*";
        }

        var normalized = FaultInjector.Normalize(endpoint);
        var parts = normalized.Split(' ', 2);
        return parts.Length == 2 && !parts[1].StartsWith(WeComApiExtensions.Prefix + "/", StringComparison.Ordinal)
            ? parts[0] + " " + WeComApiExtensions.Prefix + "/" + parts[1].TrimStart('/')
            : normalized;
    }

    public void Add(FaultRule rule) => _rules.Add(rule);

    public IReadOnlyList<FaultRule> List() => _rules.List();

    public void Clear() => _rules.Clear();

    public FaultRule? TryTake(string operation) => _rules.TryTake(operation);
}
