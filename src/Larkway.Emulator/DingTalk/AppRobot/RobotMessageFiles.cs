using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Larkway.Emulator.DingTalk.AppRobot;

/// <summary>A picture or file a user sent a robot, kept under its download code.</summary>
/// <param name="DownloadCode">The code the robot message carries in <c>content.downloadCode</c>.</param>
/// <param name="RobotCode">The robot that received it: only that robot may download it.</param>
/// <param name="MsgType"><c>picture</c> or <c>file</c>.</param>
/// <param name="FileName">The file's name (a file message's <c>content.fileName</c>); null for a picture.</param>
/// <param name="ContentType">What the download link answers as its content type.</param>
/// <param name="Content">The bytes.</param>
internal sealed record RobotMessageFile(string DownloadCode, string RobotCode, string MsgType, string? FileName, string ContentType, byte[] Content);

/// <summary>
/// The files users sent robots, and the temporary links <c>/v1.0/robot/messageFiles/download</c> hands out for them. In
/// memory only: after a restart the messages are still in the conversation, their files are gone (a download then fails
/// as an unknown code).
/// </summary>
internal sealed class RobotMessageFiles(TimeProvider time)
{
    /// <summary>Where a download link points (outside <c>/dingtalk</c>: the real link is a storage URL, not an API call).</summary>
    public const string LinkPath = "/dingtalk-files";

    /// <summary>
    /// How long a download link works. DingTalk documents the link as temporary without saying for how long; an hour is
    /// this emulator's choice.
    /// </summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, RobotMessageFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string DownloadCode, DateTimeOffset ExpiresAt)> _links = new(StringComparer.Ordinal);

    /// <summary>Keeps a file a user sent <paramref name="robotCode"/> under a new download code.</summary>
    public RobotMessageFile Add(string robotCode, string msgType, string? fileName, string contentType, byte[] content)
    {
        // DingTalk's download codes are long base64 strings (with + / =): kept so, clients must escape them in JSON.
        var file = new RobotMessageFile(Convert.ToBase64String(RandomNumberGenerator.GetBytes(60)), robotCode, msgType, fileName, contentType, content);
        _files[file.DownloadCode] = file;
        return file;
    }

    public RobotMessageFile? Find(string downloadCode) => _files.GetValueOrDefault(downloadCode);

    /// <summary>A new link ticket for <paramref name="file"/>, valid for <see cref="LinkLifetime"/>.</summary>
    public (string Ticket, DateTimeOffset ExpiresAt) IssueLink(RobotMessageFile file)
    {
        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var expiresAt = time.GetUtcNow() + LinkLifetime;
        _links[ticket] = (file.DownloadCode, expiresAt);
        return (ticket, expiresAt);
    }

    /// <summary>The file a link ticket opens; null when the ticket is unknown or expired (the latter also says so).</summary>
    public RobotMessageFile? Open(string ticket, out bool expired)
    {
        expired = false;
        if (!_links.TryGetValue(ticket, out var link))
        {
            return null;
        }

        if (time.GetUtcNow() >= link.ExpiresAt)
        {
            expired = true;
            _links.TryRemove(ticket, out _);
            return null;
        }

        return Find(link.DownloadCode);
    }
}
