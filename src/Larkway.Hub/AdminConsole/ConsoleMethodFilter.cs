using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// A console page answers only the methods it has handlers for. Razor Pages renders a page even when no handler
/// matches (a POST to a page with only <c>OnGet</c>), with a model nothing filled in; that is a 405 instead.
/// </summary>
internal sealed class ConsoleMethodFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (context.HandlerMethod is null && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            var allowed = context.ActionDescriptor.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant());
            context.HttpContext.Response.Headers.Allow = string.Join(", ", allowed.Append("GET").Distinct(StringComparer.OrdinalIgnoreCase));
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return Task.CompletedTask;
        }

        return next();
    }
}
