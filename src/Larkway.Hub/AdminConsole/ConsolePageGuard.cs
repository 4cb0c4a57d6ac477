using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// What Razor Pages leaves to each page, done once for the console:
/// <list type="bullet">
/// <item>A page answers only the methods it has handlers for. Razor Pages renders a page even when no handler matches
/// (a POST to a page with only <c>OnGet</c>), with a model nothing filled in; that is a 405 instead.</item>
/// <item>Strings bind as declared: a missing or blank form field or route value bound to a non-nullable string (a handler
/// argument or a bound property) is <c>""</c>, never null, so the services behind a page get what its types promise.</item>
/// </list>
/// </summary>
internal sealed class ConsolePageGuard : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (context.HandlerMethod is null && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            var allowed = context.ActionDescriptor.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant()).Append("GET");
            context.HttpContext.Response.Headers.Allow = string.Join(", ", allowed.Distinct(StringComparer.Ordinal));
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return Task.CompletedTask;
        }

        // Not thread-safe, so one per request (the console's traffic is an administrator's clicks).
        var nullability = new NullabilityInfoContext();
        foreach (var parameter in context.HandlerMethod?.Parameters ?? [])
        {
            if (parameter.ParameterType == typeof(string)
                && (!context.HandlerArguments.TryGetValue(parameter.Name, out var value) || value is null)
                && nullability.Create(parameter.ParameterInfo).WriteState == NullabilityState.NotNull)
            {
                context.HandlerArguments[parameter.Name] = "";
            }
        }

        foreach (var bound in context.ActionDescriptor.BoundProperties.OfType<PageBoundPropertyDescriptor>())
        {
            if (bound.Property.PropertyType == typeof(string)
                && bound.Property.GetValue(context.HandlerInstance) is null
                && nullability.Create(bound.Property).WriteState == NullabilityState.NotNull)
            {
                bound.Property.SetValue(context.HandlerInstance, "");
            }
        }

        return next();
    }
}
