namespace Larkway.Hub.Monitoring;

/// <summary>
/// How a platform's room counts the callbacks it refused, so that the recorder can tally those that failed verification
/// per app (for the room's "callbacks refused" alert and readiness) without naming the room. Registered by the room.
/// </summary>
/// <param name="Platform">The platform as the seams key it (<c>wecom</c>): the tallies are stored and read under it.</param>
/// <param name="InstrumentName">The counter on the <c>Larkway</c> meter, one per request, tagged <c>outcome</c> and <c>error.type</c>.</param>
/// <param name="AppTag">The tag naming the app the callback was for.</param>
/// <param name="IsVerificationFailure">True for an <c>error.type</c> that means the request failed verification (signature, decryption, corp id).</param>
/// <param name="OutcomeTag">
/// The tag whose value <c>refused</c> marks a refusal; null when the instrument counts refusals only (Feishu's receivers'
/// <c>larkway.feishu.events.rejected</c>).
/// </param>
/// <param name="UnnamedApp">
/// What a refusal tagged with an empty app is tallied under: the deployment's own app where the receiver names it so
/// (Feishu's configured app: <c>default</c>); null when an empty app means no app at all (a made-up name in the URL).
/// </param>
internal sealed record RefusedCallbacksInstrument(
    string Platform, string InstrumentName, string AppTag, Func<string, bool> IsVerificationFailure, string? OutcomeTag = "outcome", string? UnnamedApp = null);
