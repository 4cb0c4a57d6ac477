using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.Cards;

namespace Larkway.Hub.Feishu.Inbound;

/// <summary>
/// Takes the credentials out of an event before it is stored (and so before it is shown, replayed or forwarded): the
/// verification token (v2 <c>header.token</c>, v1 and challenge <c>token</c>) becomes <c>""</c> — with it anyone could
/// sign an old-style card callback — and a card callback's card-update token becomes its <see cref="Fingerprint"/>,
/// which still tells a redelivery from a new click. One pass of a JSON reader; the rest of the bytes are kept as they are.
/// </summary>
internal static class FeishuInboxRedaction
{
    private const string FingerprintPrefix = "sha256:";

    private static readonly byte[] EmptyString = "\"\""u8.ToArray();

    public static byte[] Redact(ReadOnlySpan<byte> body, FeishuEventEnvelope envelope)
    {
        var legacy = envelope.Kind == FeishuEnvelopeKind.LegacyCardCallback;
        var cardTrigger = envelope.EventType == CardActionTriggerEvent.Type;
        var edits = new List<(int Start, int Length, string Replacement)>(2);
        var pending = Property.Other;
        var member = Container.Other; // the root member whose object the reader is in, below depth 1
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pending = reader.ValueTextEquals("token"u8) ? Property.Token
                        : reader.ValueTextEquals("header"u8) ? Property.Header
                        : reader.ValueTextEquals("event"u8) ? Property.Event
                        : Property.Other;
                    continue;
                case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth == 1:
                    member = reader.TokenType == JsonTokenType.StartArray ? Container.Other
                        : pending == Property.Header ? Container.Header
                        : pending == Property.Event ? Container.Event
                        : Container.Other;
                    break;
                case JsonTokenType.String when pending == Property.Token:
                    // A root member sits at depth 1, a member of header or event at depth 2.
                    var replacement = (reader.CurrentDepth == 1 ? Container.Root : reader.CurrentDepth == 2 ? member : Container.Other) switch
                    {
                        Container.Root => legacy ? Fingerprint(reader.GetString()!) : "",
                        Container.Header => "",
                        Container.Event when cardTrigger => Fingerprint(reader.GetString()!),
                        _ => null,
                    };
                    if (replacement is not null)
                    {
                        // The token with its quotes; escapes are kept raw in ValueSpan, so its length is the source's.
                        edits.Add(((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2, replacement));
                    }

                    break;
            }

            pending = Property.Other;
        }

        return edits.Count == 0 ? body.ToArray() : Apply(body, edits);
    }

    /// <summary>A card-update token as it is stored and compared: <c>sha256:</c> and 40 hex digits (idempotent).</summary>
    public static string Fingerprint(string token) =>
        token.StartsWith(FingerprintPrefix, StringComparison.Ordinal)
            ? token
            : FingerprintPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..40];

    /// <summary>The body with each edit's span replaced by its text as a JSON string; the edits come in reading order.</summary>
    private static byte[] Apply(ReadOnlySpan<byte> body, List<(int Start, int Length, string Replacement)> edits)
    {
        var strings = new byte[edits.Count][];
        var length = body.Length;
        for (var i = 0; i < edits.Count; i++)
        {
            strings[i] = edits[i].Replacement.Length == 0 ? EmptyString : JsonSerializer.SerializeToUtf8Bytes(edits[i].Replacement);
            length += strings[i].Length - edits[i].Length;
        }

        var output = new byte[length];
        int from = 0, to = 0;
        for (var i = 0; i < edits.Count; i++)
        {
            var kept = body[from..edits[i].Start];
            kept.CopyTo(output.AsSpan(to));
            to += kept.Length;
            strings[i].CopyTo(output.AsSpan(to));
            to += strings[i].Length;
            from = edits[i].Start + edits[i].Length;
        }

        body[from..].CopyTo(output.AsSpan(to));
        return output;
    }

    private enum Property
    {
        Other,
        Token,
        Header,
        Event,
    }

    private enum Container
    {
        Root,
        Header,
        Event,
        Other,
    }
}
