namespace Larkway.Feishu.AspNetCore;

/// <summary>Which endpoint a request came to; each accepts its own kinds of body.</summary>
internal enum FeishuEndpointKind
{
    /// <summary>Events and new-style callbacks (<c>card.action.trigger</c>, <c>url.preview.get</c>).</summary>
    Events,

    /// <summary>Old-style message-card callbacks, and new-style <c>card.action.trigger</c>.</summary>
    CardActions,
}
