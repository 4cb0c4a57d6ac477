using Larkway.Emulator.Platform;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>
/// Armed DingTalk faults (<c>POST /_emulator/dingtalk/faults</c>): the Feishu <see cref="FaultInjector"/> machinery,
/// but a separate instance, so a Feishu "*" rule never fires on a DingTalk call and the other way round. Each fault is
/// answered in the shape of the family it hits (<see cref="Answer"/>). <c>server_error_after</c> carries the call out and
/// then answers as <c>server_error</c> does (the gate runs it): a lost answer, whose effect — a started approval — is there.
/// </summary>
internal sealed class DingTalkFaults
{
    private readonly FaultInjector _rules = new();

    public static bool IsKnownKind(string kind) => kind is FaultRule.ServerError or FaultRule.RateLimit or FaultRule.Delay or FaultRule.ServerErrorAfter;

    /// <summary>"POST /v1.0/x" or "post /dingtalk/v1.0/x/" → "POST /dingtalk/v1.0/x" (how routes name operations).</summary>
    public static string Normalize(string endpoint)
    {
        if (endpoint.Trim() == "*")
        {
            return "*";
        }

        var normalized = FaultInjector.Normalize(endpoint);
        var parts = normalized.Split(' ', 2);
        return parts.Length == 2 && !parts[1].StartsWith(DingTalkApiExtensions.Prefix + "/", StringComparison.Ordinal)
            ? parts[0] + " " + DingTalkApiExtensions.Prefix + "/" + parts[1].TrimStart('/')
            : normalized;
    }

    public void Add(FaultRule rule) => _rules.Add(rule);

    public IReadOnlyList<FaultRule> List() => _rules.List();

    public void Clear() => _rules.Clear();

    public FaultRule? TryTake(string operation) => _rules.TryTake(operation);

    /// <summary>Delays (real time: the fault models the network), or throws the family's 5xx / rate-limit answer.</summary>
    public static async Task Answer(FaultRule fault, DingTalkFamily family, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultRule.Delay:
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, fault.DelayMs ?? 1000)), cancellationToken);
                return;
            case FaultRule.ServerError:
                throw ServerError(family, "(injected fault)");
            case FaultRule.RateLimit:
                throw family switch
                {
                    DingTalkFamily.Api => DingTalkException.Api(403, DingTalkCodes.QpsLimit, "为了防止滥用您的应用资源，您的API调用量超过了限制 (injected fault)"),
                    DingTalkFamily.Robot => DingTalkException.Oapi(DingTalkCodes.RobotSendTooFast, "send too fast, exceed 20 times per minute"),
                    _ => DingTalkException.Oapi(DingTalkCodes.QpsExceeded, "当前应用调用该接口的并发量超过了限制"),
                };
        }
    }

    /// <summary>The family's answer when the server fails: the new API's 500 ServiceUnavailable, the old API's errcode -1.</summary>
    public static DingTalkException ServerError(DingTalkFamily family, string note) => family == DingTalkFamily.Api
        ? DingTalkException.Api(500, DingTalkCodes.ServiceUnavailable, "The request has failed due to a temporary failure of the server. " + note)
        : DingTalkException.Oapi(DingTalkCodes.SystemBusy, DingTalkCodes.SystemBusyMessage);
}
