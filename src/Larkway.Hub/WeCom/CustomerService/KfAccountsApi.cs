using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// <c>/api/v1/wecom/apps/{app}/customer-service/accounts</c>: the customer-service accounts (客服账号) of a WeCom app that the
/// Hub serves — the admin key only. The app's assistant answers their customers.
/// </summary>
internal static class KfAccountsApi
{
    /// <summary>Accounts a page holds unless <c>limit</c> says otherwise.</summary>
    public const int DefaultListLimit = 50;

    /// <summary>The most a page holds.</summary>
    public const int MaxListLimit = 200;

    private const string Expected = "optionally enabled, welcome_message, end_message, handover_message, handover_words, handover_to, handover_button and handover_after_answers";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var accounts = endpoints.MapGroup("/api/v1/wecom/apps/{app}/customer-service/accounts").WithTags("WeCom customer service");
        accounts.RequireHubAdmin("manages WeCom customer-service accounts");
        accounts.MapGet("", ListAsync).WithName("ListWeComKfAccounts")
            .WithSummary("List a WeCom app's customer-service accounts")
            .WithDescription("The accounts (客服账号) of the WeCom app that the Hub pulls and its assistant answers, by open_kfid, with how far their pull got.")
            .Paged(DefaultListLimit, MaxListLimit)
            .Answers<ListPage<KfAccountInfo>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        accounts.MapPut("/{open_kfid}", PutAsync).WithName("PutWeComKfAccount")
            .WithSummary("Serve a customer-service account")
            .WithDescription("Adds the account (its customers answered by the app's assistant from now on; what WeCom kept from before is taken in as history) "
                + "or changes its settings: fields left out keep their values. The account must be handed to the app in WeCom (微信客服 → API → 企业内部开发).")
            .ReadsJson<KfAccountInput>()
            .Answers<KfAccountInfo>(StatusCodes.Status200OK, StatusCodes.Status201Created)
            .Refuses(StatusCodes.Status400BadRequest);
        accounts.MapGet("/{open_kfid}", GetAsync).WithName("GetWeComKfAccount")
            .WithSummary("Get a customer-service account")
            .Answers<KfAccountInfo>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        accounts.MapDelete("/{open_kfid}", DeleteAsync).WithName("DeleteWeComKfAccount")
            .WithSummary("Stop serving a customer-service account")
            .WithDescription("The Hub stops pulling it; its stored messages and sessions go with it. Nothing changes in WeCom.")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<Results<JsonHttpResult<ListPage<KfAccountInfo>>, ProblemHttpResult>> ListAsync(
        string app, [FromServices] KfAccountSettings service, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultListLimit, MaxListLimit, ListCursor.Name(c => c.Length is > 0 and <= 64, "an open_kfid"));
        if (refused is not null)
        {
            return refused;
        }

        var rows = await service.ListPageAsync(app, paging.After, paging.Limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(paging.Answer(rows, a => a.OpenKfId, a => a), KfJson.Default.ListPageKfAccountInfo);
    }

    private static async Task<Results<JsonHttpResult<KfAccountInfo>, ProblemHttpResult>> GetAsync(string app, [FromRoute(Name = "open_kfid")] string openKfId, [FromServices] KfAccountSettings service, CancellationToken cancellationToken) =>
        await service.GetAsync(app, openKfId, cancellationToken).ConfigureAwait(false) is { } account
            ? TypedResults.Json(account, KfJson.Default.KfAccountInfo)
            : NotFound(app, openKfId);

    private static async Task<Results<JsonHttpResult<KfAccountInfo>, ProblemHttpResult>> PutAsync(
        string app, [FromRoute(Name = "open_kfid")] string openKfId, HttpContext http, [FromServices] KfAccountSettings service, CancellationToken cancellationToken)
    {
        var (input, unreadable) = await JsonBody.ReadAsync(http.Request, KfJson.Default.KfAccountInput, Expected, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var (account, created, problems) = await service.PutAsync(app, openKfId, input!, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid customer-service account", problems.Select(p => (p.Field, p.Message)));
        }

        await ApiAudit.WriteAsync(http, created ? "wecom.kf_account.create" : "wecom.kf_account.update", $"{app}/{openKfId}", ("enabled", account.Enabled ? "true" : "false")).ConfigureAwait(false);
        return TypedResults.Json(account, KfJson.Default.KfAccountInfo, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string app, [FromRoute(Name = "open_kfid")] string openKfId, HttpContext http, [FromServices] KfAccountSettings service, CancellationToken cancellationToken)
    {
        if (!await service.DeleteAsync(app, openKfId, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(app, openKfId);
        }

        await ApiAudit.WriteAsync(http, "wecom.kf_account.delete", $"{app}/{openKfId}").ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(string app, string openKfId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Customer-service account not found",
        detail: $"The Hub does not serve account '{openKfId}' on app '{app}'; GET /api/v1/wecom/apps/{app}/customer-service/accounts lists those it does.");
}
