using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// What Razor Pages leaves to each page, done once for the console:
/// <list type="bullet">
/// <item>A page answers only the methods it has handlers for. Razor Pages renders a page even when no handler matches
/// (a POST to a page with only <c>OnGet</c>), with a model nothing filled in; that is a 405 instead.</item>
/// <item>A form value that cannot be read as its field's type (<c>enabled=maybe</c> for a checkbox, letters for a number)
/// refuses the post with 400 and a page naming the field, rather than running the handler with the field's default —
/// which would, say, switch something off that nobody unticked.</item>
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

        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && Unreadable(context.ModelState) is { } field)
        {
            context.Result = Unreadable(context.HttpContext, field.Key, field.Value);
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

    /// <summary>
    /// The first field given a value its type could not take: an entry with errors and a value sent. (A missing or blank
    /// field has no value; a string takes any value.)
    /// </summary>
    private static KeyValuePair<string, string>? Unreadable(ModelStateDictionary state)
    {
        foreach (var (key, entry) in state)
        {
            if (entry is { ValidationState: ModelValidationState.Invalid, AttemptedValue: { Length: > 0 } value })
            {
                return new(key, value);
            }
        }

        return null;
    }

    private static ContentResult Unreadable(HttpContext http, string field, string value)
    {
        var shown = value.Length > 80 ? value[..80] + "…" : value;
        return ConsoleSite.FormRefused(
            http,
            "The form could not be read",
            $"<p>The field <code>{WebUtility.HtmlEncode(field)}</code> was sent as <code>{WebUtility.HtmlEncode(shown)}</code>, which it cannot take "
            + "(a checkbox sends <code>true</code>, a number only digits), so nothing was changed. Open the page again and use its form.</p>");
    }
}
