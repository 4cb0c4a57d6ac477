namespace Larkway.Emulator.Platform;

/// <summary>
/// A Feishu business failure raised by a handler; the envelope middleware turns it into
/// <c>{code,msg,error:{log_id}}</c> with <see cref="HttpStatus"/>. Handlers throw rather than return so
/// that deep validation helpers can fail without threading results through every call.
/// </summary>
public sealed class ApiErrorException : Exception
{
    public ApiErrorException()
        : this(400, ErrorCodes.BadRequest, "Bad Request")
    {
    }

    public ApiErrorException(string message)
        : this(400, ErrorCodes.BadRequest, message)
    {
    }

    public ApiErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        HttpStatus = 400;
        Code = ErrorCodes.BadRequest;
    }

    public ApiErrorException(int httpStatus, int code, string message)
        : base(message)
    {
        HttpStatus = httpStatus;
        Code = code;
    }

    public int HttpStatus { get; }

    public int Code { get; }

    /// <summary>
    /// A body to answer instead of the <c>{code,msg,error}</c> envelope — for the few families whose failures have another
    /// shape (the OAuth token endpoint's top-level <c>{code,error,error_description}</c>).
    /// </summary>
    public object? Body { get; init; }

    /// <summary>The request field that broke a documented rule, written as <c>error.field_violations</c> (code 99992402).</summary>
    public FieldViolation? Violation { get; init; }

    /// <summary>Extra response headers (rate-limit hints).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public static ApiErrorException BadRequest(int code, string message) => new(400, code, message);
}

/// <summary>One entry of <c>error.field_violations</c>: the field, the value given, what rule it broke.</summary>
public sealed record FieldViolation(string Field, string Value, string Description);
