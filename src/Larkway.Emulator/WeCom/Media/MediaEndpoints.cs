using System.Globalization;
using Larkway.Emulator.WeCom.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Larkway.Emulator.WeCom.Media;

/// <summary>
/// Temporary media: <c>POST /cgi-bin/media/upload?type=</c> (document 90253) → <c>{type, media_id, created_at}</c>, and
/// <c>GET /cgi-bin/media/get?media_id=</c> (90254): the bytes with Content-Type and an attachment filename (ranges
/// honoured), or 40007 as JSON when the id is unknown or older than three days.
/// </summary>
internal static class MediaEndpoints
{
    public const string UploadPath = WeComApiExtensions.Prefix + "/cgi-bin/media/upload";
    public const string GetPath = WeComApiExtensions.Prefix + "/cgi-bin/media/get";

    /// <summary>Where a member's picture is linked from its callback's PicUrl (a plain link, no token, as WeCom's is).</summary>
    public const string PicturePath = "/wecom-media/pic";

    private static readonly string[] Types = ["image", "voice", "video", "file"];

    public static void MapWeComMediaEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(PicturePath + "/{mediaId}", (string mediaId, MediaStore store) =>
            store.Find(mediaId) is { Type: "image" } media ? Results.Bytes(media.Data, media.ContentType) : Results.NotFound());
        routes.MapPost(UploadPath, UploadAsync).AsWeCom().DisableAntiforgery();
        routes.MapGet(GetPath, Get).AsWeCom();
    }

    private static async Task<IResult> UploadAsync(HttpContext context, MediaStore store)
    {
        var type = context.Request.Query["type"].FirstOrDefault();
        var (name, contentType, data) = await MediaRules.ReadAsync(context.Request, type, Types);
        var media = store.Add(type!, name, contentType, data, robotKey: null);
        return WeComJson.Ok(Answer(media));
    }

    public static Dictionary<string, object?> Answer(StoredMedia media) => new()
    {
        ["type"] = media.Type,
        ["media_id"] = media.MediaId,
        ["created_at"] = media.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
    };

    private static IResult Get(HttpContext context, MediaStore store)
    {
        var id = context.Request.Query["media_id"].FirstOrDefault();
        var media = (string.IsNullOrEmpty(id) ? null : store.Find(id)) ?? throw WeComException.Of(WeComCodes.InvalidMediaId, "media_id is unknown or older than 3 days");
        context.Response.Headers.CacheControl = "no-cache, must-revalidate";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(media.FileName);
        context.Response.Headers.ContentDisposition = disposition.ToString();
        return Results.Bytes(media.Data, media.ContentType, enableRangeProcessing: true);
    }
}
