namespace Larkway.Emulator.DingTalk.Web;

/// <summary>The DingTalk chat pages' look: a conversation list on the left, bubbles on a light grey pane, DingTalk blue.</summary>
internal static class ChatStyles
{
    public const string Css = """
        .dt-app{display:flex;gap:0;background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);min-height:640px;overflow:hidden}
        .dt-side{width:250px;flex:none;border-right:1px solid #e8e9eb;background:#fafbfc;padding:8px 0}
        .dt-side-title{font-weight:600;font-size:15px;padding:8px 16px}
        .dt-side-section{color:#8f959e;font-size:12px;padding:12px 16px 4px}.dt-side-section a{color:#0089ff;text-decoration:none}
        .dt-conv{display:flex;gap:10px;align-items:center;padding:7px 16px;color:#1f2329;text-decoration:none}
        .dt-conv:hover{background:#f0f1f3}.dt-conv.current{background:#e6f3ff}
        .dt-conv-name{display:block;font-size:14px}.dt-conv-note{display:block;font-size:12px;color:#8f959e}
        .dt-main{flex:1;min-width:0;display:flex;flex-direction:column;background:#f2f3f5}
        .dt-head{background:#fff;border-bottom:1px solid #e8e9eb;padding:12px 20px}.dt-head h1{font-size:17px;margin:0}.dt-sub{color:#8f959e;font-size:12px}
        .dt-main .flash{margin:10px 20px 0}
        .dt-timeline{flex:1;padding:12px 20px}.dt-none,.dt-empty{color:#8f959e;padding:40px 20px;text-align:center}
        .dt-row{display:flex;gap:10px;margin:14px 0;align-items:flex-start}.dt-row.mine{flex-direction:row-reverse}
        .dt-avatar{width:36px;height:36px;border-radius:50%;background:#7b8afb;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:600;flex:none}
        .dt-avatar.bot{background:#0089ff}.dt-avatar.small{width:28px;height:28px;font-size:13px}
        .dt-col{max-width:72%;display:flex;flex-direction:column}.dt-row.mine .dt-col{align-items:flex-end}
        .dt-name{font-size:12px;color:#646a73;margin-bottom:3px}.dt-time{color:#a6abb3;margin-left:4px}
        .dt-bubble{background:#fff;border-radius:8px;padding:8px 12px;box-shadow:0 1px 1px rgba(0,0,0,.04);word-break:break-word}
        .dt-bubble p{margin:4px 0}.dt-bubble h2,.dt-bubble h3,.dt-bubble h4,.dt-bubble h5,.dt-bubble h6{margin:6px 0}
        .dt-row.mine .dt-bubble{background:#0089ff;color:#fff}.dt-row.mine .mention{background:rgba(255,255,255,.25);color:#fff}
        .dt-bubble blockquote{margin:4px 0;padding-left:8px;border-left:3px solid #dee0e3;color:#646a73}.dt-bubble ul{margin:4px 0;padding-left:20px}
        .dt-recalled{color:#8f959e;font-style:italic}
        .dt-bubble .actions{display:flex;gap:6px;margin-top:8px;border-top:1px solid #f0f1f3;padding-top:8px}.dt-bubble .actions.vertical{flex-direction:column}
        .dt-bubble .actions .btn{margin:0;text-align:center;color:#0089ff;border-color:#d6e9ff}
        .dt-link{display:flex;gap:10px}.dt-link .pic{max-width:80px;max-height:80px;border-radius:4px}
        .dt-card{min-width:320px;max-width:480px;margin:-8px -12px;border-radius:8px;overflow:hidden;background:#fff;border:1px solid #e3e5e8}
        .dt-card-title{font-weight:600;padding:10px 14px;background:linear-gradient(90deg,#e6f3ff,#f5f9ff)}
        .dt-card-body{padding:10px 14px}.dt-card-content{margin:2px 0 6px}
        .dt-fields{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:6px 0;font-size:13px}.dt-fields dt{color:#8f959e}.dt-fields dd{margin:0}
        .dt-card-status{font-size:12px;color:#8f959e;margin-top:4px}.dt-card-status.streaming{color:#0089ff}.dt-card-status.streaming::after{content:" ▍";animation:dtblink 1s steps(1) infinite}
        .dt-card-status.failed{color:#f54a45}.dt-card-status.finished{color:#34c724}
        @keyframes dtblink{50%{opacity:0}}
        .dt-card-actions{display:flex;gap:8px;padding:8px 14px 12px;border-top:1px solid #f0f1f3}.dt-card-actions form{margin:0}
        .dt-card-actions .btn{margin:0;cursor:pointer;font:inherit}.dt-card-actions .btn-primary{background:#0089ff;border-color:#0089ff;color:#fff}
        .dt-composer{display:flex;gap:8px;align-items:center;background:#fff;border-top:1px solid #e8e9eb;padding:12px 20px;position:sticky;bottom:0}
        .dt-composer input[name=text]{flex:1;padding:8px 10px;border:1px solid #dee0e3;border-radius:6px;font:inherit}
        .dt-composer select{padding:7px;border:1px solid #dee0e3;border-radius:6px;font:inherit}.dt-composer .btn{margin:0;padding:7px 18px;cursor:pointer;font:inherit}
        .dt-composer .btn-primary{background:#0089ff;border-color:#0089ff;color:#fff}.dt-as,.dt-at{color:#646a73;font-size:13px;white-space:nowrap}
        """;
}
