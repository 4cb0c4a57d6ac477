using System.Text;
using Larkway.Emulator.Authen;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Web;

/// <summary>
/// <c>/open-apis/authen/v1/authorize</c> on the Emulator's base URL: the person picks which sandbox user they are and
/// allows or denies. A bad client_id or redirect_uri — or any other bad parameter — is shown on the page; the browser is
/// sent back only to an allowed redirect URI. Plain form posts (no script); posts from another site are refused.
/// </summary>
internal static class AuthorizePage
{
    private const string Path = "/open-apis/authen/v1/authorize";
    private static readonly string[] Parameters = ["client_id", "response_type", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"];

    public static void MapAuthorizePage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Show);
        routes.MapPost(Path, DecideAsync);
    }

    private static IResult Show(HttpContext context, AuthorizeFlow flow, EmulatorState state)
    {
        AuthorizeRequest request;
        try
        {
            request = flow.Read(name => NonEmpty(context.Request.Query[name].ToString()));
        }
        catch (ApiErrorException e)
        {
            return SignInPages.Error(context, e.Code, e.Message);
        }

        var body = new StringBuilder("<h1>Sign in to ").Append(Html.Encode(request.App.BotName)).Append("</h1><p class=\"meta\">")
            .Append(Html.Encode($"{request.App.AppId} · returns to {request.RedirectUri}")).Append("</p><p>The app will get your name, avatar and ids");
        if (request.Scopes.Count == 0)
        {
            body.Append(".</p>");
        }
        else
        {
            body.Append(", and asks for:</p><ul class=\"scopes\">");
            foreach (var scope in request.Scopes)
            {
                body.Append("<li><code>").Append(Html.Encode(scope)).Append("</code></li>");
            }

            body.Append("</ul>");
        }

        body.Append("<form method=\"post\" action=\"").Append(Path).Append("\">");
        foreach (var name in Parameters)
        {
            SignInPages.AppendHidden(body, name, NonEmpty(context.Request.Query[name].ToString()));
        }

        body.Append("<fieldset><legend>Who are you?</legend>");
        var first = true;
        foreach (var user in SignInPages.People(state))
        {
            body.Append("<label class=\"user\"><input type=\"radio\" name=\"user\" value=\"").Append(Html.Encode(user.OpenId)).Append('"').Append(first ? " checked" : string.Empty)
                .Append("> ").Append(Html.Encode(user.Name)).Append(user.Email is null ? string.Empty : " <span class=\"meta\">" + Html.Encode(user.Email) + "</span>").Append("</label>");
            first = false;
        }

        body.Append("</fieldset><div class=\"actions\"><button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"allow\" class=\"primary\">Allow</button></div></form>");
        return SignInPages.Page(context, "Sign in to " + request.App.BotName, body.ToString());
    }

    private static async Task<IResult> DecideAsync(HttpContext context, AuthorizeFlow flow, EmulatorState state)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return SignInPages.Error(context, 403, "This form was posted from another site; start the sign-in again from the app.", 403);
        }

        if (!context.Request.HasFormContentType)
        {
            return SignInPages.Error(context, OAuthErrors.MalformedRequest, "Post the authorize form (application/x-www-form-urlencoded).");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        try
        {
            var request = flow.Read(name => NonEmpty(form[name].ToString()));
            var decision = form["decision"].ToString();
            if (decision is not ("allow" or "deny"))
            {
                return SignInPages.Error(context, OAuthErrors.MalformedRequest, "Choose Allow or Deny.");
            }

            return Results.Redirect(flow.Decide(request, state.FindUser("open_id", form["user"].ToString()), decision == "allow"));
        }
        catch (ApiErrorException e)
        {
            return SignInPages.Error(context, e.Code, e.Message);
        }
    }

    private static string? NonEmpty(string value) => value.Length == 0 ? null : value;
}
