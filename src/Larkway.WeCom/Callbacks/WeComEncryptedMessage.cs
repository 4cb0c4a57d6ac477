using System.Text;
using System.Text.Json;

namespace Larkway.WeCom.Callbacks;

/// <summary>An encrypted message and its signature, ready to be written in either of WeCom's envelopes.</summary>
/// <param name="Encrypt">The ciphertext (Base64).</param>
/// <param name="MsgSignature">Its msg_signature.</param>
/// <param name="TimeStamp">The timestamp signed.</param>
/// <param name="Nonce">The nonce signed.</param>
public sealed record WeComEncryptedMessage(string Encrypt, string MsgSignature, string TimeStamp, string Nonce)
{
    /// <summary>The XML envelope of a passive reply to an app callback (the layout of the official libraries).</summary>
    public string ToXml() =>
        $"<xml>\n<Encrypt><![CDATA[{Encrypt}]]></Encrypt>\n<MsgSignature><![CDATA[{MsgSignature}]]></MsgSignature>\n<TimeStamp>{TimeStamp}</TimeStamp>\n<Nonce><![CDATA[{Nonce}]]></Nonce>\n</xml>";

    /// <summary>
    /// The JSON envelope of an AI bot's passive reply: <c>{"encrypt","msgsignature","timestamp","nonce"}</c>; the
    /// timestamp is a number when it is all digits, as in WeCom's example.
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("encrypt", Encrypt);
            writer.WriteString("msgsignature", MsgSignature);
            if (long.TryParse(TimeStamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                writer.WriteNumber("timestamp", seconds);
            }
            else
            {
                writer.WriteString("timestamp", TimeStamp);
            }

            writer.WriteString("nonce", Nonce);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
