namespace Larkway.Emulator.WeCom.Web;

/// <summary>The WeCom page's look: a conversation list on the left, bubbles on a light grey pane, WeCom's blue, its cards.</summary>
internal static class WeComStyles
{
    public const string Css = """
        .wc-app{display:flex;background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);min-height:640px;overflow:hidden}
        .wc-side{width:250px;flex:none;border-right:1px solid #e5e6eb;background:#f7f8fa;padding:8px 0}
        .wc-side-title{font-weight:600;font-size:15px;padding:8px 16px}
        .wc-side-section{color:#86909c;font-size:12px;padding:12px 16px 4px}.wc-side-empty{color:#a9aeb8;font-size:12px;padding:2px 16px}
        .wc-conv{display:flex;gap:10px;align-items:center;padding:7px 16px;color:#1d2129;text-decoration:none}
        .wc-conv:hover{background:#eef0f3}.wc-conv.current{background:#e8f3ff}
        .wc-conv-name{display:block;font-size:14px}.wc-conv-note{display:block;font-size:12px;color:#86909c}
        .wc-main{flex:1;min-width:0;display:flex;flex-direction:column;background:#f2f3f5}
        .wc-head{background:#fff;border-bottom:1px solid #e5e6eb;padding:12px 20px}.wc-head h1{font-size:17px;margin:0}.wc-sub{color:#86909c;font-size:12px}
        .wc-main .flash{margin:10px 20px 0}
        .wc-timeline{flex:1;padding:12px 20px}.wc-none,.wc-empty{color:#86909c;padding:40px 20px;text-align:center}
        .wc-row{display:flex;gap:10px;margin:14px 0;align-items:flex-start}.wc-row.mine{flex-direction:row-reverse}
        .wc-avatar{width:36px;height:36px;border-radius:6px;background:#7b8afb;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:600;flex:none}
        .wc-avatar.app{background:#0082ef}.wc-avatar.robot{background:#00b578}.wc-avatar.small{width:28px;height:28px;font-size:13px}
        .wc-col{max-width:72%;display:flex;flex-direction:column}.wc-row.mine .wc-col{align-items:flex-end}
        .wc-name{font-size:12px;color:#4e5969;margin-bottom:3px}.wc-time{color:#a9aeb8;margin-left:4px}
        .wc-bubble{background:#fff;border-radius:6px;padding:8px 12px;word-break:break-word}
        .wc-bubble p{margin:4px 0}.wc-bubble h1,.wc-bubble h2,.wc-bubble h3,.wc-bubble h4,.wc-bubble h5,.wc-bubble h6{margin:6px 0;font-size:15px}
        .wc-row.mine .wc-bubble{background:#a0e75a}
        .wc-bubble blockquote{margin:2px 0;padding-left:8px;border-left:3px solid #e5e6eb;color:#4e5969}.wc-bubble ul{margin:4px 0;padding-left:20px}
        .wc-info{color:#00b578}.wc-comment{color:#86909c}.wc-warning{color:#ff7d00}.wc-mention{color:#0082ef}
        .wc-system{text-align:center;color:#86909c;font-size:12px;margin:10px 0}.wc-status{font-size:11px;color:#a9aeb8;margin-top:2px}.wc-status.failed{color:#f53f3f}
        .wc-recalled{color:#86909c;font-style:italic}
        .wc-textcard{min-width:280px;max-width:420px}.wc-textcard .t{font-weight:600;margin-bottom:4px}.wc-textcard .d{color:#4e5969;font-size:13px}
        .wc-textcard .more{border-top:1px solid #f2f3f5;margin-top:8px;padding-top:6px;font-size:13px}
        .wc-news a{display:flex;gap:10px;color:inherit;text-decoration:none;padding:4px 0}.wc-news img{width:64px;height:64px;object-fit:cover;border-radius:4px}
        .wc-news .t{font-weight:600}.wc-news .d{color:#86909c;font-size:12px}
        .wc-file{display:flex;gap:8px;align-items:center}.wc-file .icon{width:32px;height:40px;background:#0082ef;color:#fff;border-radius:3px;display:flex;align-items:center;justify-content:center;font-size:11px}
        .wc-img{max-width:280px;max-height:280px;border-radius:4px}
        .wc-card{min-width:320px;max-width:460px;margin:-8px -12px;border-radius:6px;overflow:hidden;background:#fff;border:1px solid #e5e6eb}
        .wc-card-body{padding:12px 14px}.wc-card-source{font-size:12px;color:#86909c;margin-bottom:6px}
        .wc-card-title{font-weight:600;font-size:15px}.wc-card-desc{color:#86909c;font-size:12px;margin-bottom:6px}
        .wc-emphasis .v{font-size:28px;color:#0082ef;font-weight:600}.wc-emphasis .d{font-size:12px;color:#86909c}
        .wc-quote{background:#f7f8fa;border-radius:4px;padding:6px 8px;margin:6px 0;font-size:13px;color:#4e5969}
        .wc-fields{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:6px 0;font-size:13px}.wc-fields dt{color:#86909c}.wc-fields dd{margin:0}
        .wc-jump{font-size:13px;margin-top:6px}.wc-jump a{color:#0082ef;text-decoration:none;display:block}
        .wc-card-image{width:100%;display:block}
        .wc-card-actions{display:flex;flex-wrap:wrap;gap:8px;padding:8px 14px 12px;border-top:1px solid #f2f3f5}.wc-card-actions form{margin:0;display:contents}
        .wc-card-actions .btn{margin:0;cursor:pointer;font:inherit;flex:1;min-width:80px;text-align:center}
        .wc-card-actions .btn.s1{background:#0082ef;border-color:#0082ef;color:#fff}.wc-card-actions .btn.s2{color:#0082ef}.wc-card-actions .btn.s3{color:#f53f3f}.wc-card-actions .btn.s4{color:#4e5969}
        .wc-card-actions .done{flex:1;text-align:center;color:#86909c;padding:6px;background:#f2f3f5;border-radius:4px}
        .wc-question{padding:4px 14px;font-size:13px}.wc-question label{display:block;margin:2px 0}.wc-question select{width:100%;padding:5px;border:1px solid #e5e6eb;border-radius:4px}
        .wc-composer{display:flex;gap:8px;align-items:center;background:#fff;border-top:1px solid #e5e6eb;padding:12px 20px;position:sticky;bottom:0}
        .wc-composer input[name=text]{flex:1;padding:8px 10px;border:1px solid #e5e6eb;border-radius:6px;font:inherit}
        .wc-composer .btn{margin:0;padding:7px 18px;cursor:pointer;font:inherit;background:#0082ef;border-color:#0082ef;color:#fff}.wc-as{color:#4e5969;font-size:13px;white-space:nowrap}
        """;
}
