namespace Larkway.Feishu.Cards;

/// <summary>Per-platform link targets (<c>multi_url</c> in JSON 1.0, an <c>open_url</c> behaviour in 2.0).</summary>
/// <param name="Url">The default target.</param>
/// <param name="AndroidUrl">Android target, or null for <paramref name="Url"/>.</param>
/// <param name="IosUrl">iOS target, or null for <paramref name="Url"/>.</param>
/// <param name="PcUrl">Desktop target, or null for <paramref name="Url"/>.</param>
public sealed record CardMultiUrl(string Url, string? AndroidUrl = null, string? IosUrl = null, string? PcUrl = null);
