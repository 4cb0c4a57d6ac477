using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Docs;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Api.Docs;

/// <summary>The frequency limits of the docx pages, and the per-document edit limit.</summary>
internal static class DocsTiers
{
    public const AccessTokenTypes Tokens = AccessTokenTypes.Tenant | AccessTokenTypes.User;

    /// <summary>docx answers its frequency limit with HTTP 400 + 99991400 (the edit pages' text).</summary>
    public const int DocxLimitStatus = 400;

    /// <summary>Create document and every edit (children, descendant, patch, batch_update, batch_delete): 3/s per app.</summary>
    public static readonly RateWindow[] Edit = [new(3, 1)];

    /// <summary>Get document, raw_content and the block reads: 5/s per app.</summary>
    public static readonly RateWindow[] Read = [new(5, 1)];

    /// <summary>3 edits per second to one document, whoever makes them: HTTP 429.</summary>
    public static readonly RateWindow[] PerDocument = [new(3, 1)];
}

/// <summary>How the docs endpoints read requests: bodies, the caller, page sizes, revisions, client tokens.</summary>
internal static class DocsRequest
{
    public static async Task<JsonElement> BodyAsync(HttpRequest request, int invalidCode, bool allowEmpty = false)
    {
        try
        {
            return await RequestJson.ReadObjectAsync(request, invalidCode, allowEmpty);
        }
        catch (ApiErrorException e) when (e.Code == invalidCode)
        {
            throw DocsErrors.Error(invalidCode, e.Message.Replace("invalid request: ", string.Empty, StringComparison.Ordinal));
        }
    }

    public static DocIdentity Identity(HttpContext context)
    {
        var caller = context.Caller();
        return new DocIdentity(caller.App.AppId, caller.User?.UserKey);
    }

    /// <summary>page_size in 1..<paramref name="max"/> (a documented range: 99992402 outside it).</summary>
    public static int PageSize(HttpRequest request, int max, int defaultSize)
    {
        var raw = request.Query("page_size");
        if (raw is null)
        {
            return defaultSize;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size >= 1 && size <= max
            ? size
            : throw DocsErrors.Violation("page_size", raw, $"page_size is an integer from 1 to {max.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>document_revision_id of a read: −1 or the latest. The Emulator keeps no history, so an older one is refused.</summary>
    public static void CheckReadRevision(HttpRequest request, DocFile file)
    {
        var revision = Revision(request);
        if (revision != -1 && revision != file.RevisionId)
        {
            throw DocsErrors.Error(DocsErrors.InvalidParam, $"document_revision_id {revision} is not the latest ({file.RevisionId}); the Emulator keeps only the latest revision (use -1)");
        }
    }

    /// <summary>document_revision_id of an edit: −1 or a revision of the document (edits apply to the latest); more than 1000 behind is 1770021.</summary>
    public static void CheckEditRevision(HttpRequest request, DocFile file)
    {
        var revision = Revision(request);
        if (revision > file.RevisionId)
        {
            throw DocsErrors.Error(DocsErrors.InvalidParam, $"document_revision_id {revision} is newer than the document ({file.RevisionId})");
        }

        if (revision != -1 && file.RevisionId - revision > 1000)
        {
            throw DocsErrors.Error(DocsErrors.TooOldDocument, $"document_revision_id {revision} is more than 1000 revisions behind the latest ({file.RevisionId})");
        }
    }

    private static int Revision(HttpRequest request)
    {
        var raw = request.Query("document_revision_id");
        if (raw is null)
        {
            return -1;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var revision) && revision >= -1
            ? revision
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"document_revision_id '{raw}' is not an integer ≥ -1");
    }

    /// <summary>user_id_type: open_id (default), union_id or user_id.</summary>
    public static string UserIdType(HttpRequest request, int invalidCode) => request.Query("user_id_type") switch
    {
        null => "open_id",
        var given when given is "open_id" or "union_id" or "user_id" => given,
        var other => throw DocsErrors.Error(invalidCode, $"user_id_type '{other}' is not open_id, union_id or user_id"),
    };

    /// <summary>The per-document limit: 3 edits a second from anyone (HTTP 429 + 99991400).</summary>
    public static void CheckDocumentRate(RateLimiter limiter, EmulatorOptions options, string documentId)
    {
        if (options.EnforceRateLimits && limiter.TryAcquire("docx-document|" + documentId, DocsTiers.PerDocument) is { } rejection)
        {
            throw OpenApiGateMiddleware.RateLimited(rejection.Limit, rejection.ResetSeconds);
        }
    }
}
