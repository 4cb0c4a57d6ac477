using System.Text.Json.Nodes;
using Larkway.Hub.Platform.OpenApi;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// What an endpoint of the Hub's API reads and answers, declared beside its route so the OpenAPI document says it: the
/// body type it reads, each status it answers with its type, and the statuses it refuses with (problem+json). The
/// Integration tests check every answer against these, so a status answered but not declared fails them.
/// </summary>
public static class HubEndpointDocs
{
    /// <summary>
    /// The endpoint reads a JSON body of <typeparamref name="TBody"/>'s shape, through <c>JsonBody</c>: so it refuses a body
    /// that is not JSON of that shape (400), one too large (413) and another content type (415). Said as description only
    /// (<see cref="HubRequestBody"/>), not as <c>Accepts</c>: that would let routing refuse another content type itself, with
    /// an empty 415 instead of the endpoint's problem that says what to send.
    /// </summary>
    /// <param name="builder">The endpoint.</param>
    /// <param name="required">False when the body may be left out (a preview of the sample data, say).</param>
    /// <param name="example">
    /// A body the endpoint takes, shown as the request's example (what a reader of the document copies first): the body
    /// type's own <c>Example</c>, so it stays beside the members it fills; the Integration tests send it and check it
    /// against the schema.
    /// </param>
    public static RouteHandlerBuilder ReadsJson<TBody>(this RouteHandlerBuilder builder, bool required = true, JsonNode? example = null)
        where TBody : notnull
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new HubRequestBody(typeof(TBody), required, example))
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
    }

    /// <summary>The endpoint answers <typeparamref name="TAnswer"/> as JSON with each of <paramref name="statuses"/>.</summary>
    public static RouteHandlerBuilder Answers<TAnswer>(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses)
        {
            builder.Produces<TAnswer>(status, "application/json");
        }

        return builder;
    }

    /// <summary>The endpoint answers <paramref name="status"/> with no body (204, a redirect).</summary>
    public static RouteHandlerBuilder AnswersEmpty(this RouteHandlerBuilder builder, int status = StatusCodes.Status204NoContent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Produces(status);
    }

    /// <summary>
    /// The endpoint reads the query parameter <paramref name="name"/> as a <typeparamref name="TValue"/> (an enum by its
    /// wire names, a time as ISO 8601), for a handler that reads its query itself to name every problem at once.
    /// </summary>
    public static RouteHandlerBuilder Query<TValue>(this RouteHandlerBuilder builder, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new HubParameter(name, HubParameter.InQuery, typeof(TValue), description));
    }

    /// <summary>The endpoint reads the request header <paramref name="name"/> (a string).</summary>
    public static RouteHandlerBuilder Header(this RouteHandlerBuilder builder, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new HubParameter(name, HubParameter.InHeader, typeof(string), description));
    }

    /// <summary>The paging parameters every list takes: <c>limit</c> and <c>after</c> (the <c>next</c> of the previous page).</summary>
    public static RouteHandlerBuilder Paged(this RouteHandlerBuilder builder, int defaultLimit, int maxLimit) =>
        builder
            .Query<int>("limit", $"How many items a page holds: 1 to {maxLimit} (default {defaultLimit}).")
            .Query<string>("after", "The `next` of the previous page; leave it out for the first page.");

    /// <summary>
    /// The endpoint refuses with each of <paramref name="statuses"/> as problem+json with members of its own beside the
    /// common ones (<typeparamref name="TProblem"/>).
    /// </summary>
    public static RouteHandlerBuilder Refuses<TProblem>(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses)
        {
            builder.Produces<TProblem>(status, "application/problem+json");
        }

        return builder;
    }

    /// <summary>The endpoint refuses with each of <paramref name="statuses"/>, as problem+json (<see cref="HubProblemDto"/>).</summary>
    public static RouteHandlerBuilder Refuses(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses)
        {
            builder.Produces<HubProblemDto>(status, "application/problem+json");
        }

        return builder;
    }
}

/// <summary>The JSON body an endpoint reads itself (<see cref="HubEndpointDocs.ReadsJson{TBody}"/>), for its description.</summary>
public sealed record HubRequestBody(Type Type, bool Required, JsonNode? Example = null);

/// <summary>A query parameter or header an endpoint reads itself (<see cref="HubEndpointDocs.Query{TValue}"/>, <see cref="HubEndpointDocs.Header"/>), for its description.</summary>
public sealed record HubParameter(string Name, string In, Type Type, string Description)
{
    /// <summary>A query parameter.</summary>
    public const string InQuery = "query";

    /// <summary>A request header.</summary>
    public const string InHeader = "header";
}
