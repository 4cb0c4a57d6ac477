namespace Larkway.Feishu.Json;

/// <summary>What every envelope has: <c>code</c> and <c>msg</c>.</summary>
internal interface IFeishuEnvelope
{
    int Code { get; }

    string? Msg { get; }
}

/// <summary><c>{"code":0,"msg":"success","data":{…}}</c>.</summary>
internal sealed class FeishuEnvelope<T> : IFeishuEnvelope
{
    public int Code { get; set; }

    public string? Msg { get; set; }

    public T? Data { get; set; }
}

/// <summary>An error envelope with its optional <c>error</c> object.</summary>
internal sealed class FeishuErrorEnvelope : IFeishuEnvelope
{
    public int Code { get; set; }

    public string? Msg { get; set; }

    public FeishuErrorDetail? Error { get; set; }
}

internal sealed class FeishuErrorDetail
{
    public string? LogId { get; set; }

    public string? Message { get; set; }

    public string? Troubleshooter { get; set; }

    public List<FieldViolationWire>? FieldViolations { get; set; }

    public List<PermissionViolationWire>? PermissionViolations { get; set; }
}

internal sealed class FieldViolationWire
{
    public string? Field { get; set; }

    public string? Value { get; set; }

    public string? Description { get; set; }
}

internal sealed class PermissionViolationWire
{
    public string? Type { get; set; }

    public string? Subject { get; set; }

    public string? Description { get; set; }
}

/// <summary>The flat auth v3 token response (no <c>data</c> wrapper).</summary>
internal sealed class TokenResponse : IFeishuEnvelope
{
    public int Code { get; set; }

    public string? Msg { get; set; }

    public string? TenantAccessToken { get; set; }

    public string? AppAccessToken { get; set; }

    public int Expire { get; set; }
}

internal sealed record AppCredentialsBody(string AppId, string AppSecret);
