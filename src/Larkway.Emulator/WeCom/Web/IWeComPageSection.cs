namespace Larkway.Emulator.WeCom.Web;

/// <summary>One conversation a section lists in the WeCom page's sidebar.</summary>
internal sealed record WeComPageLink(string Href, string Name, string Note);

/// <summary>
/// A section of the WeCom page's sidebar added by another part of the WeCom emulator (the AI bot's conversations live in
/// <c>WeCom/AiBot</c>): register an implementation as a singleton; its pages render inside the same frame through
/// <see cref="WeComChatPages.Page"/>. Without any, the sidebar shows an empty "AI bot" section.
/// </summary>
internal interface IWeComPageSection
{
    /// <summary>The section's heading in the sidebar ("AI bot").</summary>
    string Title { get; }

    /// <summary>Its conversations, in display order.</summary>
    IReadOnlyList<WeComPageLink> Links();
}
