using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Web;

/// <summary>
/// The frame the platforms' chat pages share (DingTalk's <c>/dingtalk-chat</c>, WeCom's <c>/wecom-chat</c>): a sidebar of
/// conversations beside the open one, whose timeline polls its own fragment every second and swaps it in when it
/// changed. Each platform dresses it with its own styles, whose classes start with its <c>prefix</c> ("dt", "wc").
/// </summary>
internal static class ChatFrame
{
    /// <summary>A page: the platform's <paramref name="css"/>, its sidebar and the open conversation.</summary>
    public static IResult Page(string prefix, string css, string title, string sidebar, string main, int status) =>
        Results.Content(WebEndpoints.Layout(title, $"<style>{css}</style><div class=\"{prefix}-app\">{sidebar}<section class=\"{prefix}-main\">{main}</section></div>", wide: true),
            "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>A conversation's header.</summary>
    public static string Header(string prefix, string title, string subtitle) =>
        $"<div class=\"{prefix}-head\"><h1>{Html.Encode(title)}</h1><div class=\"{prefix}-sub\">{Html.Encode(subtitle)}</div></div>";

    /// <summary>A conversation in the sidebar, marked when it is the open one.</summary>
    public static string SideLink(string prefix, string href, string name, string note, string? current) =>
        $"<a class=\"{prefix}-conv{(href == current ? " current" : string.Empty)}\" href=\"{Html.Encode(href)}\"><span class=\"{prefix}-avatar small\">{Html.Encode(name[..1].ToUpperInvariant())}</span>"
        + $"<span><span class=\"{prefix}-conv-name\">{Html.Encode(name)}</span><span class=\"{prefix}-conv-note\">{Html.Encode(note)}</span></span></a>";

    /// <summary>A timeline that polls <paramref name="fragmentSource"/> (which answers <see cref="Fragment"/>) every second.</summary>
    public static string Timeline(string prefix, string fragmentSource, List<(DateTimeOffset At, string Html)> items)
    {
        var (html, hash) = Render(prefix, items);
        return $"<div id=\"timeline\" class=\"{prefix}-timeline\" data-src=\"{Html.Encode(fragmentSource)}\" data-hash=\"{hash}\">{html}</div>{PollScript}";
    }

    /// <summary>The timeline alone, for the page's poll: 204 while it is unchanged since the hash the page holds.</summary>
    public static IResult Fragment(string prefix, List<(DateTimeOffset At, string Html)> items, string? since)
    {
        var (html, hash) = Render(prefix, items);
        return since == hash ? Results.NoContent() : new FragmentResult(html, hash);
    }

    private static (string Html, string Hash) Render(string prefix, List<(DateTimeOffset At, string Html)> items)
    {
        var html = items.Count == 0 ? $"<p class=\"{prefix}-none\">No messages yet.</p>" : string.Concat(items.Select(i => i.Html));
        return (html, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(html)))[..16]);
    }

    /// <summary>
    /// Opens the page at the newest message (a chat is read from its end; a link to an anchor is left alone), again once
    /// pictures have loaded unless the reader moved meanwhile. Polls the timeline fragment every second and swaps it in when
    /// it changed, keeping the composer as typed; scrolls to the newest message when the reader was at the bottom.
    /// </summary>
    private const string PollScript = """
        <script>
        (function(){var t=document.getElementById('timeline');if(!t)return;
        function bottom(){return window.innerHeight+window.scrollY>=document.body.scrollHeight-40;}
        function end(){window.scrollTo(0,document.body.scrollHeight);}
        if(!location.hash){var moved=false;['wheel','keydown','mousedown','touchmove'].forEach(function(e){addEventListener(e,function(){moved=true;},{once:true,passive:true});});
        document.addEventListener('DOMContentLoaded',end);addEventListener('load',function(){if(!moved)end();});}
        function poll(){var u=t.dataset.src+(t.dataset.src.indexOf('?')<0?'?':'&')+'since='+t.dataset.hash;
        fetch(u,{cache:'no-store'}).then(function(r){if(r.status!==200)return;var h=r.headers.get('x-timeline-hash');
        return r.text().then(function(html){var b=bottom();t.innerHTML=html;t.dataset.hash=h;if(b)end();});})
        .catch(function(){}).finally(function(){setTimeout(poll,1000);});}
        setTimeout(poll,1000);})();
        </script>
        """;

    private sealed class FragmentResult(string html, string hash) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["x-timeline-hash"] = hash;
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            return httpContext.Response.WriteAsync(html, httpContext.RequestAborted);
        }
    }
}
