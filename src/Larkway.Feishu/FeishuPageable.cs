using System.Runtime.CompilerServices;

namespace Larkway.Feishu;

/// <summary>
/// A lazy, cancellable sequence over a paged endpoint: enumerate items with <c>await foreach</c>
/// (pages are fetched as needed), or whole pages with <see cref="AsPages"/>.
/// </summary>
public abstract class FeishuPageable<T> : IAsyncEnumerable<T>
{
    /// <summary>For fakes and derived types.</summary>
    protected FeishuPageable()
    {
    }

    /// <summary>The pages, starting at <paramref name="pageToken"/> (null: the first), of <paramref name="pageSize"/> items each (null: the default).</summary>
    public abstract IAsyncEnumerable<FeishuPage<T>> AsPages(string? pageToken = null, int? pageSize = null);

    /// <inheritdoc/>
    public virtual async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in AsPages().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Items)
            {
                yield return item;
            }
        }
    }

    /// <summary>A pageable over fixed pages (for fakes and tests).</summary>
    public static FeishuPageable<T> FromPages(params IReadOnlyList<FeishuPage<T>> pages) => new StaticPageable(pages);

    private sealed class StaticPageable(IReadOnlyList<FeishuPage<T>> pages) : FeishuPageable<T>
    {
        public override async IAsyncEnumerable<FeishuPage<T>> AsPages(string? pageToken = null, int? pageSize = null)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            foreach (var page in pages)
            {
                yield return page;
            }
        }
    }
}

/// <summary>One page: its items, and the token of the next page when there is one.</summary>
/// <param name="Items">The items of this page.</param>
/// <param name="NextPageToken">Pass to <see cref="FeishuPageable{T}.AsPages"/> to continue; null on the last page.</param>
/// <param name="HasMore">Whether more pages follow.</param>
public sealed record FeishuPage<T>(IReadOnlyList<T> Items, string? NextPageToken, bool HasMore)
{
    /// <summary>The total count, on endpoints that report one.</summary>
    public int? Total { get; init; }
}

/// <summary>Walks pages by calling a fetch function with each page token.</summary>
internal sealed class FetchPageable<T>(
    Func<string?, int?, CancellationToken, Task<FeishuPage<T>>> fetch, int? defaultPageSize, CancellationToken cancellationToken) : FeishuPageable<T>
{
    public override IAsyncEnumerable<FeishuPage<T>> AsPages(string? pageToken = null, int? pageSize = null) =>
        PagesAsync(pageToken, pageSize ?? defaultPageSize, CancellationToken.None);

    public override async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in PagesAsync(null, defaultPageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Items)
            {
                yield return item;
            }
        }
    }

    private async IAsyncEnumerable<FeishuPage<T>> PagesAsync(string? pageToken, int? pageSize, [EnumeratorCancellation] CancellationToken enumeratorToken)
    {
        // Both the token given to the list call and the one given to the enumeration stop it.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorToken);
        var token = pageToken;
        while (true)
        {
            var page = await fetch(token, pageSize, linked.Token).ConfigureAwait(false);
            yield return page;

            // Stop on the last page, and on a token that would fetch the same page again.
            if (!page.HasMore || string.IsNullOrEmpty(page.NextPageToken) || page.NextPageToken == token)
            {
                yield break;
            }

            token = page.NextPageToken;
        }
    }
}
