using System.Text;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Platform;

/// <summary>
/// A file download as Feishu sends it: <c>Content-Disposition: attachment; filename="…"</c> with the name's raw UTF-8
/// bytes inside the quotes, and no <c>filename*</c>. The official SDKs read only <c>filename</c>: the Python one takes the
/// header as ISO-8859-1 (as HTTP clients do) and re-decodes those bytes as UTF-8, the Go one reads the bytes as they are,
/// and Node's callers re-decode <c>headers['content-disposition']</c> from latin1. ASP.NET's own header (an ASCII
/// <c>filename</c> with <c>_</c> for every other character, the real name only in <c>filename*</c>) gave those SDKs
/// <c>____ v2.pdf</c>. Kestrel writes the bytes because <see cref="HeaderEncoding"/> is its response header encoding.
/// </summary>
internal static class FileDownload
{
    public static IResult Attachment(HttpContext context, byte[] data, string contentType, string? fileName)
    {
        if (!string.IsNullOrEmpty(fileName))
        {
            context.Response.Headers.ContentDisposition = "attachment; filename=\"" + Quoted(fileName) + "\"";
        }

        return Results.File(data, contentType);
    }

    /// <summary>Kestrel's <c>ResponseHeaderEncodingSelector</c>: UTF-8 for <c>Content-Disposition</c>, the default (ASCII only) for the rest.</summary>
    public static Encoding? HeaderEncoding(string headerName) =>
        string.Equals(headerName, "Content-Disposition", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null;

    // A quoted-string: backslash and quote escaped; control characters (a stored name could hold one) would end the header.
    private static string Quoted(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is '"' or '\\')
            {
                text.Append('\\');
            }

            text.Append(char.IsControl(c) ? '_' : c);
        }

        return text.ToString();
    }
}
