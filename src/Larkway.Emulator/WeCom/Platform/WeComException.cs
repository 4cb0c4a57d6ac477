namespace Larkway.Emulator.WeCom.Platform;

/// <summary>
/// A WeCom refusal: HTTP 200 with <c>{"errcode": n, "errmsg": "…"}</c> (every WeCom API answers so, the group robot
/// included). <see cref="Extra"/> carries fields that go beside errcode (message/send's <c>invaliduser</c> …).
/// <see cref="HttpStatus"/> is not 200 only for injected gateway faults.
/// </summary>
internal sealed class WeComException(int errCode, string message, IReadOnlyDictionary<string, object?>? extra = null, int httpStatus = 200) : Exception(message)
{
    public int ErrCode { get; } = errCode;

    public IReadOnlyDictionary<string, object?>? Extra { get; } = extra;

    public int HttpStatus { get; } = httpStatus;

    /// <summary>Code 40058 with what to fix: the emulator's wording, after WeCom's "invalid parameter".</summary>
    public static WeComException InvalidParameter(string detail) => new(WeComCodes.InvalidParameter, $"invalid parameter: {detail}");

    public static WeComException Of(int code, string? detail = null) =>
        new(code, detail is null ? WeComCodes.Message(code) : $"{WeComCodes.Message(code)}: {detail}");
}
