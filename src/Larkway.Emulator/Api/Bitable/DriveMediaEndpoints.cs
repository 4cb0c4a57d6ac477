using System.Globalization;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;

namespace Larkway.Emulator.Api.Bitable;

/// <summary>
/// Media for attachment cells (drive v1 上传素材 / 下载素材), for bases only: <c>POST /open-apis/drive/v1/medias/upload_all</c>
/// (multipart <c>file_name</c>, <c>parent_type</c> bitable_file or bitable_image, <c>parent_node</c> = the app_token,
/// <c>size</c>, <c>file</c>; at most 20 MB) answers <c>file_token</c>; <c>GET …/medias/{file_token}/download</c> gives the bytes.
/// Errors: 1061002 params (HTTP 400), 1061043 too large, 1061044 parent node not a base, 1061003 unknown token (404).
/// </summary>
internal static class DriveMediaEndpoints
{
    public const int ParamsError = 1061002;
    public const int NotFound = 1061003;
    public const int TooLarge = 1061043;
    public const int ParentNotExist = 1061044;
    private const long MaxBytes = 20L * 1024 * 1024;

    public static void MapDriveMediaEndpoints(this IEndpointRouteBuilder routes)
    {
        var medias = routes.MapGroup("/open-apis/drive/v1/medias").AsOpenApi(BitableTiers.Tokens);
        medias.MapPost("upload_all", UploadAsync);
        medias.MapGet("{file_token}/download", Download);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, BitableStore store)
    {
        var form = await MultipartBody.ReadAsync(context.Request, MaxBytes + 1, ParamsError);
        var name = form.Text("file_name") ?? string.Empty;
        if (name.Length is 0 or > 250)
        {
            throw new ApiErrorException(400, 1061008, "invalid file name: file_name is required, at most 250 characters");
        }

        var parentType = form.Text("parent_type");
        if (parentType is not ("bitable_file" or "bitable_image"))
        {
            throw new ApiErrorException(400, ParamsError, "params error: parent_type must be bitable_file or bitable_image (other upload points are not emulated)");
        }

        var parent = form.Text("parent_node") ?? string.Empty;
        var file = form.Part("file") ?? throw new ApiErrorException(400, ParamsError, "params error: file is required");
        if (file.Truncated || file.Length > MaxBytes)
        {
            throw new ApiErrorException(400, TooLarge, "file size beyond limit: at most 20 MB");
        }

        if (!long.TryParse(form.Text("size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) || size != file.Length)
        {
            throw new ApiErrorException(400, ParamsError, $"params error: size must be the file's length in bytes ({file.Length})");
        }

        var token = "box" + BitableIds.RecordId()[3..] + BitableIds.OptionId()[3..];
        store.Change(BitableRequest.Actor(context), _ =>
        {
            if (store.FindBase(parent) is null)
            {
                throw new ApiErrorException(400, ParentNotExist, $"parent node not exist: '{parent}' is not a base's app_token");
            }

            store.PutMedia(new BitableMedium(token, parent, name, ContentTypeOf(name), file.Length, file.Data));
            return true;
        });
        return Envelope.Ok(new { file_token = token });
    }

    private static IResult Download(HttpContext context, [FromRoute(Name = "file_token")] string fileToken, BitableStore store)
    {
        var medium = store.Read(() => store.Media(fileToken)) ?? throw new ApiErrorException(404, NotFound, $"not found: no media has the token '{fileToken}'");
        return FileDownload.Attachment(context, medium.Data, medium.MimeType, medium.Name);
    }

    private static string ContentTypeOf(string name) =>
        new FileExtensionContentTypeProvider().TryGetContentType(name, out var type) ? type : "application/octet-stream";
}
