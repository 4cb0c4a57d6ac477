using Larkway.Feishu.Http;

namespace Larkway.Feishu.Docs;

/// <summary>Drive files (<c>/open-apis/drive</c>): a folder's files, metadata of many files, the root folder, and edit-event subscriptions.</summary>
public class DriveFilesClient
{
    private const string Files = "/open-apis/drive/v1/files";
    private const string Metas = "/open-apis/drive/v1/metas/batch_query";
    private const string RootFolder = "/open-apis/drive/explorer/v2/root_folder/meta";
    private const string Subscribe = Files + "/{file_token}/subscribe";
    private const string SubscribeStatus = Files + "/{file_token}/get_subscribe";
    private const string Unsubscribe = Files + "/{file_token}/delete_subscribe";
    private const int MaxMetas = 200;

    private readonly DocsCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected DriveFilesClient()
    {
    }

    internal DriveFilesClient(DocsCalls calls) => _calls = calls;

    /// <summary>The files of <paramref name="folderToken"/> (<c>GET …/files</c>; this level only, paged by <c>next_page_token</c>).</summary>
    public virtual FeishuPageable<DriveFile> List(string folderToken, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        folderToken = Im.Checks.Id(folderToken, nameof(folderToken), "a folder's token (…/drive/folder/<token>)");
        Im.Checks.PageSize(pageSize, 200);
        return new FetchPageable<DriveFile>(async (token, size, ct) =>
        {
            var path = new Query(Files).Add("folder_token", folderToken).Add("page_size", size).Add("page_token", token);
            var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), Files, DocsTier.None) with { Idempotent = true },
                DocsJsonContext.Wire.FilesEnvelope, ct).ConfigureAwait(false);
            return new FeishuPage<DriveFile>([.. (data.Files ?? []).Select(f => new DriveFile(f.Token ?? "", f.Name ?? "", f.Type ?? "")
            {
                ParentToken = f.ParentToken,
                Url = f.Url,
                ModifiedTime = DocsTime.FromSeconds(f.ModifiedTime),
                OwnerId = f.OwnerId,
            })], data.HasMore ? data.NextPageToken : null, data.HasMore);
        }, pageSize, cancellationToken);
    }

    /// <summary>
    /// The metadata of up to 200 files (<c>POST …/metas/batch_query</c>): title, owner, last change, link. Files the
    /// caller may not see come back in <see cref="DriveMetas.Failed"/> with Feishu's reason.
    /// </summary>
    public virtual async Task<DriveMetas> GetMetasAsync(IReadOnlyList<(string Token, DriveFileType Type)> files, bool withUrl = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count is 0 or > MaxMetas)
        {
            throw new ArgumentException($"Ask for 1 to {MaxMetas} files at a time; this asks for {files.Count}.", nameof(files));
        }

        var body = new MetasBody { RequestDocs = [.. files.Select(f => new MetaRequest { DocToken = f.Token, DocType = DriveWire.Of(f.Type) })], WithUrl = withUrl };
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Post, Metas, Metas, DocsTier.None, body, DocsJsonContext.Wire.MetasBody) with { Idempotent = true },
            DocsJsonContext.Wire.MetasEnvelope, cancellationToken).ConfigureAwait(false);
        return new DriveMetas(
            [.. (data.Metas ?? []).Select(m => new DriveFileMeta(m.DocToken ?? "", m.DocType ?? "", m.Title)
            {
                OwnerId = m.OwnerId,
                LatestModifyTime = DocsTime.FromSeconds(m.LatestModifyTime),
                LatestModifyUser = m.LatestModifyUser,
                Url = m.Url,
            })],
            [.. (data.FailedList ?? []).Select(f => (f.Token ?? "", f.Code))]);
    }

    /// <summary>The caller's root folder's token (<c>GET /open-apis/drive/explorer/v2/root_folder/meta</c>; with the tenant token, the app's own space).</summary>
    public virtual async Task<string> RootFolderAsync(CancellationToken cancellationToken = default)
    {
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, RootFolder, RootFolder, DocsTier.None) with { Idempotent = true },
            DocsJsonContext.Wire.RootFolderEnvelope, cancellationToken).ConfigureAwait(false);
        return data.Token ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of GET {RootFolder} has no token.");
    }

    /// <summary>
    /// Subscribes to a file's events (<c>POST …/files/{file_token}/subscribe</c>): <c>drive.file.edit_v1</c> and the others
    /// come only for subscribed files. Only the file's owner or a manager may subscribe
    /// (<see cref="FeishuErrorCodes.DriveSubscribeForbidden"/>). Subscribing again is harmless, so it is retried.
    /// </summary>
    public virtual Task SubscribeAsync(string fileToken, DriveFileType type, CancellationToken cancellationToken = default) =>
        _calls.Pipeline.SendAsync(_calls.Request(HttpMethod.Post, Path(Subscribe, fileToken, type), Subscribe, DocsTier.DriveWrite) with { Idempotent = true }, cancellationToken);

    /// <summary>Whether the file is subscribed to (<c>GET …/get_subscribe</c>).</summary>
    public virtual async Task<bool> IsSubscribedAsync(string fileToken, DriveFileType type, CancellationToken cancellationToken = default)
    {
        try
        {
            var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, Path(SubscribeStatus, fileToken, type), SubscribeStatus, DocsTier.None) with { Idempotent = true },
                DocsJsonContext.Wire.SubscriptionEnvelope, cancellationToken).ConfigureAwait(false);
            return data.IsSubscribe;
        }
        catch (FeishuApiException ex) when (ex.Code == FeishuErrorCodes.DriveNotSubscribed)
        {
            return false;
        }
    }

    /// <summary>Cancels the file's subscription (<c>DELETE …/delete_subscribe</c>); false when it was not subscribed.</summary>
    public virtual async Task<bool> UnsubscribeAsync(string fileToken, DriveFileType type, CancellationToken cancellationToken = default)
    {
        try
        {
            await _calls.Pipeline.SendAsync(_calls.Request(HttpMethod.Delete, Path(Unsubscribe, fileToken, type), Unsubscribe, DocsTier.DriveWrite) with { Idempotent = true },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (FeishuApiException ex) when (ex.Code == FeishuErrorCodes.DriveNotSubscribed)
        {
            return false;
        }
    }

    private static string Path(string template, string fileToken, DriveFileType type) =>
        new Query(template.Replace("{file_token}", Query.Segment(Im.Checks.Id(fileToken, nameof(fileToken), "a file's token")), StringComparison.Ordinal))
            .Add("file_type", DriveWire.Of(type)).ToString();
}
