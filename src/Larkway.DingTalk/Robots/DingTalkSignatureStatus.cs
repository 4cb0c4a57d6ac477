namespace Larkway.DingTalk.Robots;

/// <summary>What <see cref="DingTalkRobotSignature.VerifyCallback(string?, string?, string, DateTimeOffset, TimeSpan)"/> found.</summary>
public enum DingTalkSignatureStatus
{
    /// <summary>The signature matches and the timestamp is within an hour of now.</summary>
    Valid,

    /// <summary>The <c>timestamp</c> or the <c>sign</c> header is missing or empty.</summary>
    Missing,

    /// <summary>The <c>timestamp</c> header is not a number of milliseconds since the Unix epoch.</summary>
    MalformedTimestamp,

    /// <summary>The timestamp is more than an hour away from now (a replay, or a clock that is off).</summary>
    Expired,

    /// <summary>The <c>sign</c> header is not the HMAC of the timestamp with this app secret.</summary>
    Mismatch,
}
