using System.Globalization;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// One segment of a text cell as Feishu returns it: plain text, a mention (of a user or a document) or a link. A text
/// cell is written as one string; reading it back gives these segments.
/// </summary>
/// <param name="Type"><c>text</c>, <c>mention</c> or <c>url</c>.</param>
/// <param name="Text">The text shown.</param>
public sealed record BitableTextSegment(string Type, string Text)
{
    /// <summary>The link of a <c>url</c> segment (<c>mailto:…</c> in an email field).</summary>
    public string? Link { get; init; }

    /// <summary>What a <c>mention</c> points at: a user id, a document id, a spreadsheet or base token.</summary>
    public string? Token { get; init; }

    /// <summary>The kind of a <c>mention</c>: <c>User</c>, <c>Docx</c>, <c>Sheet</c>, <c>Bitable</c>.</summary>
    public string? MentionType { get; init; }

    /// <summary>Whether a user mention notified the user.</summary>
    public bool? MentionNotify { get; init; }

    /// <summary>The mentioned user's name.</summary>
    public string? Name { get; init; }

    /// <summary>A plain-text segment.</summary>
    public static BitableTextSegment Plain(string text) => new("text", text);
}

/// <summary>A person in a user field (or created-by / modified-by). Only <see cref="Id"/> is written; the rest is read.</summary>
/// <param name="Id">The user's id, of the call's <c>user_id_type</c> (open_id by default).</param>
public sealed record BitablePerson(string Id)
{
    /// <summary>The name.</summary>
    public string? Name { get; init; }

    /// <summary>The English name.</summary>
    public string? EnName { get; init; }

    /// <summary>The email (needs a contact scope).</summary>
    public string? Email { get; init; }

    /// <summary>The avatar's URL.</summary>
    public string? AvatarUrl { get; init; }
}

/// <summary>A group chat in a group field. Only <see cref="Id"/> is written; the rest is read.</summary>
/// <param name="Id">The chat id (<c>oc_…</c>).</param>
public sealed record BitableGroupChat(string Id)
{
    /// <summary>The chat's name.</summary>
    public string? Name { get; init; }

    /// <summary>The chat's avatar URL.</summary>
    public string? AvatarUrl { get; init; }
}

/// <summary>
/// A file in an attachment field. Only <see cref="FileToken"/> is written (upload the file with the drive media API
/// first); the rest is read.
/// </summary>
/// <param name="FileToken">The file's token.</param>
public sealed record BitableAttachment(string FileToken)
{
    /// <summary>The file name.</summary>
    public string? Name { get; init; }

    /// <summary>The MIME type, e.g. <c>image/png</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The size in bytes.</summary>
    public long? Size { get; init; }

    /// <summary>The download URL (needs an access token).</summary>
    public string? Url { get; init; }

    /// <summary>The URL that gives a temporary download link (needs an access token).</summary>
    public string? TmpUrl { get; init; }
}

/// <summary>A place in a location field, as Feishu returns it.</summary>
/// <param name="Coordinates"><c>"longitude,latitude"</c>, e.g. <c>"116.397755,39.903179"</c>.</param>
public sealed record BitablePlace(string Coordinates)
{
    /// <summary>The province.</summary>
    public string? Pname { get; init; }

    /// <summary>The city.</summary>
    public string? Cityname { get; init; }

    /// <summary>The district.</summary>
    public string? Adname { get; init; }

    /// <summary>The street address.</summary>
    public string? Address { get; init; }

    /// <summary>The place's name.</summary>
    public string? Name { get; init; }

    /// <summary>The whole address.</summary>
    public string? FullAddress { get; init; }

    /// <summary>The longitude, when <see cref="Coordinates"/> holds a number before the comma.</summary>
    public double? Longitude => Part(0);

    /// <summary>The latitude, when <see cref="Coordinates"/> holds a number after the comma.</summary>
    public double? Latitude => Part(1);

    private double? Part(int index)
    {
        var parts = Coordinates.Split(',');
        return parts.Length == 2 && double.TryParse(parts[index].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
