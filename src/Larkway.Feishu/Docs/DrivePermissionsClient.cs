using Larkway.Feishu.Http;

namespace Larkway.Feishu.Docs;

/// <summary>
/// A file's collaborators and public settings (<c>/open-apis/drive/v1/permissions/{token}/members</c>, and v2's
/// <c>…/public</c>), and the check whether the caller may act on it. The check answers for the calling identity only:
/// call it on a user's view (<see cref="FeishuClient.AsUser"/>) to ask about that user.
/// </summary>
public class DrivePermissionsClient
{
    private const string Members = "/open-apis/drive/v1/permissions/{token}/members";
    private const string Member = Members + "/{member_id}";
    private const string Auth = Members + "/auth";
    private const string Transfer = Members + "/transfer_owner";
    private const string Public = "/open-apis/drive/v2/permissions/{token}/public";

    private readonly DocsCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected DrivePermissionsClient()
    {
    }

    internal DrivePermissionsClient(DocsCalls calls) => _calls = calls;

    /// <summary>
    /// Adds a collaborator (<c>POST …/members</c>); adding one already there changes nothing, so it is retried.
    /// <paramref name="notify"/> sends the member a notice (honoured with a user token only).
    /// </summary>
    /// <exception cref="FeishuApiException">
    /// <see cref="FeishuErrorCodes.DrivePermissionDenied"/> (the caller may not share the file),
    /// <see cref="FeishuErrorCodes.DrivePermissionInvalidOperation"/> (the two cannot see each other, a chat without the bot, …).
    /// </exception>
    public virtual async Task<DriveMember> AddMemberAsync(string token, DriveFileType type, DriveMemberType memberType, string memberId, DrivePermission permission, bool notify = false, CancellationToken cancellationToken = default)
    {
        token = FileToken(token);
        memberId = Im.Checks.Id(memberId, nameof(memberId), "an open_id, email or chat_id");
        var path = new Query(Route(Members, token)).Add("type", DriveWire.Of(type)).Add("need_notification", notify ? true : null);
        var body = new MemberBody { MemberType = DriveWire.Of(memberType), MemberId = memberId, Perm = DriveWire.Of(permission), Type = DriveWire.Kind(memberType) };
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Post, path.ToString(), Members, DocsTier.Permission, body, DocsJsonContext.Wire.MemberBody) with { Idempotent = true },
            DocsJsonContext.Wire.MemberEnvelope, cancellationToken).ConfigureAwait(false);
        var member = data.Member ?? body;
        return new DriveMember(DriveWire.MemberType(member.MemberType), member.MemberId ?? memberId, DriveWire.Permission(member.Perm)) { WireMemberType = member.MemberType, Kind = member.Type };
    }

    /// <summary>The file's collaborators (<c>GET …/members</c>; not its owner's inherited rights, nor its link sharing).</summary>
    public virtual async Task<IReadOnlyList<DriveMember>> ListMembersAsync(string token, DriveFileType type, bool withNames = false, CancellationToken cancellationToken = default)
    {
        token = FileToken(token);
        var path = new Query(Route(Members, token)).Add("type", DriveWire.Of(type)).Add("fields", withNames ? "name,type" : null);
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), Members, DocsTier.Permission) with { Idempotent = true },
            DocsJsonContext.Wire.MembersEnvelope, cancellationToken).ConfigureAwait(false);
        return [.. (data.Items ?? []).Select(m => new DriveMember(DriveWire.MemberType(m.MemberType), m.MemberId ?? "", DriveWire.Permission(m.Perm))
        {
            WireMemberType = m.MemberType,
            Kind = m.Type,
            Name = m.Name,
        })];
    }

    /// <summary>Changes a collaborator's permission (<c>PUT …/members/{member_id}</c>).</summary>
    public virtual async Task UpdateMemberAsync(string token, DriveFileType type, DriveMemberType memberType, string memberId, DrivePermission permission, CancellationToken cancellationToken = default)
    {
        token = FileToken(token);
        memberId = Im.Checks.Id(memberId, nameof(memberId), "an open_id, email or chat_id");
        var path = new Query(Route(Member, token, memberId)).Add("type", DriveWire.Of(type));
        var body = new MemberBody { MemberType = DriveWire.Of(memberType), Perm = DriveWire.Of(permission), Type = DriveWire.Kind(memberType) };
        await _calls.Pipeline.SendAsync(_calls.Request(HttpMethod.Put, path.ToString(), Member, DocsTier.Permission, body, DocsJsonContext.Wire.MemberBody) with { Idempotent = true },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a collaborator (<c>DELETE …/members/{member_id}</c>).</summary>
    public virtual async Task RemoveMemberAsync(string token, DriveFileType type, DriveMemberType memberType, string memberId, CancellationToken cancellationToken = default)
    {
        token = FileToken(token);
        memberId = Im.Checks.Id(memberId, nameof(memberId), "an open_id, email or chat_id");
        var path = new Query(Route(Member, token, memberId)).Add("type", DriveWire.Of(type)).Add("member_type", DriveWire.Of(memberType));
        await _calls.Pipeline.SendAsync(_calls.Request(HttpMethod.Delete, path.ToString(), Member, DocsTier.Permission,
            new MemberRemoveBody { Type = DriveWire.Kind(memberType) }, DocsJsonContext.Wire.MemberRemoveBody) with { Idempotent = true }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the CALLER may <paramref name="action"/> the file (<c>GET …/members/auth</c>). With the tenant token it
    /// answers for the app; on a user's view, for that user — the only way Feishu tells what a person may open, inherited
    /// rights (folder, wiki space, link sharing) included.
    /// </summary>
    public virtual async Task<bool> CanAsync(string token, DriveFileType type, DriveAction action = DriveAction.View, CancellationToken cancellationToken = default)
    {
        token = FileToken(token);
        var path = new Query(Route(Auth, token)).Add("type", DriveWire.Of(type)).Add("action", DriveWire.Of(action));
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), Auth, DocsTier.Permission) with { Idempotent = true },
            DocsJsonContext.Wire.AuthEnvelope, cancellationToken).ConfigureAwait(false);
        return data.AuthResult;
    }

    /// <summary>
    /// Makes <paramref name="memberId"/> the file's owner (<c>POST …/members/transfer_owner</c>); the old owner keeps
    /// full access unless <paramref name="removeOldOwner"/>. Only the owner may transfer. Not retried.
    /// </summary>
    public virtual async Task TransferOwnerAsync(string token, DriveFileType type, DriveMemberType memberType, string memberId, bool removeOldOwner = false, bool notify = true, CancellationToken cancellationToken = default)
    {
        token = FileToken(token);
        memberId = Im.Checks.Id(memberId, nameof(memberId), "an open_id, user_id or email");
        if (memberType is not (DriveMemberType.OpenId or DriveMemberType.UserId or DriveMemberType.Email))
        {
            throw new ArgumentException("A file's owner is a person: name them by open_id, user_id or email.", nameof(memberType));
        }

        var path = new Query(Route(Transfer, token)).Add("type", DriveWire.Of(type)).Add("need_notification", notify).Add("remove_old_owner", removeOldOwner);
        await _calls.Pipeline.SendAsync(_calls.Request(HttpMethod.Post, path.ToString(), Transfer, DocsTier.Permission,
            new OwnerBody { MemberType = DriveWire.Of(memberType), MemberId = memberId }, DocsJsonContext.Wire.OwnerBody), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The file's public settings (<c>GET /open-apis/drive/v2/permissions/{token}/public</c>).</summary>
    public virtual async Task<DrivePublicSettings> GetPublicAsync(string token, DriveFileType type, CancellationToken cancellationToken = default)
    {
        token = FileToken(token);
        var path = new Query(Route(Public, token)).Add("type", DriveWire.Of(type));
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), Public, DocsTier.Permission) with { Idempotent = true },
            DocsJsonContext.Wire.PublicEnvelope, cancellationToken).ConfigureAwait(false);
        return Settings(data.PermissionPublic ?? new PublicWire());
    }

    /// <summary>Changes the file's public settings (<c>PATCH …/public</c>); members left null stay as they are.</summary>
    public virtual async Task<DrivePublicSettings> UpdatePublicAsync(string token, DriveFileType type, DrivePublicSettings settings, CancellationToken cancellationToken = default)
    {
        token = FileToken(token);
        ArgumentNullException.ThrowIfNull(settings);
        var path = new Query(Route(Public, token)).Add("type", DriveWire.Of(type));
        var body = new PublicWire
        {
            LinkShareEntity = settings.LinkShareEntity,
            ExternalAccessEntity = settings.ExternalAccessEntity,
            SecurityEntity = settings.SecurityEntity,
            CommentEntity = settings.CommentEntity,
            ShareEntity = settings.ShareEntity,
            ManageCollaboratorEntity = settings.ManageCollaboratorEntity,
            CopyEntity = settings.CopyEntity,
        };
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Patch, path.ToString(), Public, DocsTier.Permission, body, DocsJsonContext.Wire.PublicWire) with { Idempotent = true },
            DocsJsonContext.Wire.PublicEnvelope, cancellationToken).ConfigureAwait(false);
        return Settings(data.PermissionPublic ?? body);
    }

    private static DrivePublicSettings Settings(PublicWire wire) => new()
    {
        LinkShareEntity = wire.LinkShareEntity,
        ExternalAccessEntity = wire.ExternalAccessEntity,
        SecurityEntity = wire.SecurityEntity,
        CommentEntity = wire.CommentEntity,
        ShareEntity = wire.ShareEntity,
        ManageCollaboratorEntity = wire.ManageCollaboratorEntity,
        CopyEntity = wire.CopyEntity,
        LockSwitch = wire.LockSwitch,
    };

    private static string FileToken(string token) => Im.Checks.Id(token, nameof(token), "a file's token (the last segment of its link)");

    private static string Route(string template, string token, string? memberId = null)
    {
        var path = template.Replace("{token}", Query.Segment(token), StringComparison.Ordinal);
        return memberId is null ? path : path.Replace("{member_id}", Query.Segment(memberId), StringComparison.Ordinal);
    }
}
