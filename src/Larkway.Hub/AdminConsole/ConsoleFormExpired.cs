using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// A console form whose antiforgery token is missing or no longer matches — most often a page left open across a sign-out
/// or a new session — is still refused with 400, but with a page that says nothing was changed and leads back to a fresh
/// copy of the form, instead of an empty 400. Runs after the antiforgery check short-circuits (an always-run result filter).
/// </summary>
internal sealed class ConsoleFormExpired : IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is not IAntiforgeryValidationFailedResult)
        {
            return;
        }

        context.Result = ConsoleSite.FormRefused(
            context.HttpContext,
            "This form has expired",
            "<p>The form was sent without a valid security token, so nothing was changed. This happens when the page was opened "
            + "before you signed in again, in another browser session, or from another site. Open the page again and repeat the change.</p>");
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
