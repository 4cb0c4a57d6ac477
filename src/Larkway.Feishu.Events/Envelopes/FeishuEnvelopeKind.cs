namespace Larkway.Feishu.Events.Envelopes;

/// <summary>The shape of a decrypted event or callback body.</summary>
public enum FeishuEnvelopeKind
{
    /// <summary><c>{"challenge","token","type":"url_verification"}</c>, always flat.</summary>
    UrlVerification,

    /// <summary><c>schema:"2.0"</c> with <c>header{…}</c> and <c>event{…}</c> (events and new callbacks such as card.action.trigger).</summary>
    V2,

    /// <summary><c>uuid, ts, token, type:"event_callback"</c> with <c>event{type,…}</c>.</summary>
    V1,

    /// <summary>The old (message-card) callback: <c>open_id, open_message_id, token, action{…}</c> at the top level.</summary>
    LegacyCardCallback,
}
