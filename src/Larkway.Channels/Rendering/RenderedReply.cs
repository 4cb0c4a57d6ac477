namespace Larkway.Channels.Rendering;

/// <summary>Why a reply was not sent in the form it asked for.</summary>
public enum RenderFallbackKind
{
    /// <summary>The answer was longer than one message takes: it goes as several (see <see cref="RenderFallback.Parts"/>).</summary>
    Split,

    /// <summary>The conversation cannot take a card: the card went as markdown or text, its buttons as a list of text.</summary>
    CardAsText,

    /// <summary>Buttons the platform cannot show (callback buttons where only links exist, or more than it allows) were left out or listed as text.</summary>
    ButtonsDropped,

    /// <summary>Media the platform cannot send from this key went as a text line naming it.</summary>
    MediaAsText,

    /// <summary>A title or button text was longer than the platform shows and was shortened.</summary>
    Truncated,
}

/// <summary>One fallback a renderer took, for the caller to log (it holds no user text).</summary>
/// <param name="Kind">What was given up.</param>
/// <param name="Reason">Why, naming the platform's limit.</param>
/// <param name="Parts">For <see cref="RenderFallbackKind.Split"/>, how many messages; otherwise 0.</param>
public sealed record RenderFallback(RenderFallbackKind Kind, string Reason, int Parts = 0)
{
    /// <inheritdoc/>
    public override string ToString() => Parts > 0 ? $"{Kind} ({Parts} parts): {Reason}" : $"{Kind}: {Reason}";
}

/// <summary>A reply rendered for one platform: the messages to send, in order, and every fallback taken.</summary>
/// <typeparam name="TMessage">The platform's message type (Larkway.Feishu <c>MessageContent</c>, <c>WeComAppMessage</c>, <c>WeComAiBotReply</c>, <c>DingTalkAppRobotMessage</c>).</typeparam>
/// <param name="Messages">What to send, in order (at least one).</param>
/// <param name="Fallbacks">Every way the rendering fell short of the reply's own form (empty when it did not).</param>
public sealed record RenderedReply<TMessage>(IReadOnlyList<TMessage> Messages, IReadOnlyList<RenderFallback> Fallbacks)
{
    /// <summary>True when the reply went in its own form, in one message.</summary>
    public bool IsExact => Fallbacks.Count == 0;
}
