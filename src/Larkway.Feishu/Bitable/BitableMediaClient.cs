using System.Globalization;
using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// Files for attachment cells (drive v1 上传素材, <c>POST /open-apis/drive/v1/medias/upload_all</c>): a file is uploaded
/// to one base (<c>parent_node</c> = its app_token) and the answer's <c>file_token</c> is what an attachment cell takes,
/// as <see cref="BitableValue.Attachments"/>. A token works only in the base it was uploaded to. Paced to 5 a second.
/// </summary>
public class BitableMediaClient
{
    /// <summary>Largest file one upload_all takes (20 MB); larger files need the chunked upload, not offered here.</summary>
    public const int MaxFileBytes = 20 * 1024 * 1024;

    private const string UploadAll = "/open-apis/drive/v1/medias/upload_all";

    private readonly BitableCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected BitableMediaClient()
    {
    }

    internal BitableMediaClient(BitableCalls calls) => _calls = calls;

    /// <summary>
    /// Uploads <paramref name="file"/> (1 byte – 20 MB) for the attachment cells of the base <paramref name="appToken"/>
    /// and returns its <c>file_token</c>. <paramref name="image"/> uploads it as an image (<c>bitable_image</c>), which
    /// the cell shows with a preview; otherwise as a file (<c>bitable_file</c>).
    /// </summary>
    /// <exception cref="FeishuApiException">
    /// Empty or over 20 MB (<see cref="FeishuErrorCodes.InvalidRequest"/>, nothing sent), or the platform refused:
    /// <see cref="FeishuErrorCodes.DriveMediaParentNotFound"/> (no such base), <see cref="FeishuErrorCodes.DriveMediaParamsError"/>;
    /// <see cref="FeishuErrorCodes.DriveMediaTooFast"/> is retried.
    /// </exception>
    public virtual async Task<string> UploadAsync(string appToken, ReadOnlyMemory<byte> file, string fileName, bool image = false, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        Uploads.CheckSize(file.Length, MaxFileBytes, "file", fileName);
        var name = Uploads.Name(fileName, "file");
        var form = new MultipartFormDataContent();
        Uploads.AddField(form, "file_name", name);
        Uploads.AddField(form, "parent_type", image ? "bitable_image" : "bitable_file");
        Uploads.AddField(form, "parent_node", appToken);
        Uploads.AddField(form, "size", file.Length.ToString(CultureInfo.InvariantCulture));
        Uploads.AddFile(form, "file", file, name);
        var request = _calls.Request(HttpMethod.Post, UploadAll, UploadAll, BitableTier.MediaUpload) with { Content = form };
        var data = await _calls.SendAsync(request, BitableJsonContext.Wire.MediaEnvelope, cancellationToken).ConfigureAwait(false);
        return data.FileToken ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, "The media upload response has no file_token.");
    }

    /// <summary>Uploads a file read from <paramref name="file"/> (read to the end, at most 20 MB).</summary>
    public virtual async Task<string> UploadAsync(string appToken, Stream file, string fileName, bool image = false, CancellationToken cancellationToken = default)
    {
        var bytes = await Uploads.ReadAsync(file, MaxFileBytes, "file", fileName, cancellationToken).ConfigureAwait(false);
        return await UploadAsync(appToken, bytes, fileName, image, cancellationToken).ConfigureAwait(false);
    }
}
