namespace Larkway.Channels.Rendering;

/// <summary>Checks shared by the renderers.</summary>
internal static class RenderGuard
{
    public static string NotBlank(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new ChannelRenderException($"The {what} is blank; a reply needs something to say.") : value;

    public static void NoteSplit(int parts, string limit, List<RenderFallback> fallbacks)
    {
        if (parts > 1)
        {
            fallbacks.Add(new RenderFallback(RenderFallbackKind.Split, limit, parts));
        }
    }
}
