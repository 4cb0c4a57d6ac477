namespace Larkway.Emulator.Web;

/// <summary>The web view's stylesheet, shared by the chat pages and standalone card previews.</summary>
internal static class PageStyles
{
    public const string Css = """
        body{font:14px/1.5 -apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f7;color:#1f2329}
        header{background:#3370ff;color:#fff;padding:10px 20px}header a{color:#fff;text-decoration:none}
        main{max-width:860px;margin:20px auto;padding:0 16px}main.wide{max-width:1240px}
        table{width:100%;border-collapse:collapse;background:#fff}td,th{padding:8px;border-bottom:1px solid #eee;text-align:left}
        .msg{background:#fff;border-radius:8px;padding:10px 14px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
        .meta{color:#646a73;font-size:12px}.sender{font-weight:600;color:#1f2329}.tag{background:#eef;border-radius:4px;padding:0 4px}
        .mention,.person{color:#3370ff;background:#e1eaff;border-radius:3px;padding:0 2px}.person{margin-right:4px}.recalled{color:#8f959e}
        .image,.el-img{max-width:320px;max-height:240px;display:block;margin:4px 0}.note-img{height:16px}
        .card{border:1px solid #dee0e3;border-radius:8px;max-width:520px;overflow:hidden;background:#fff}
        .card-header{padding:10px 12px;background:#f8f9fa}.card-title{font-weight:600}.card-subtitle{color:#646a73}
        .card-body{padding:10px 12px}.fields{display:flex;flex-wrap:wrap}.field.short{width:50%}.field.long{width:100%}
        .el-note{color:#8f959e;font-size:12px}.el-columns{display:flex;gap:8px}.el-column{flex:1}
        .btn{display:inline-block;margin:4px 6px 4px 0;padding:4px 12px;border:1px solid #dee0e3;border-radius:6px;background:#fff;color:#1f2329;text-decoration:none}
        .btn-primary,.btn-primary_filled{background:#3370ff;color:#fff;border-color:#3370ff}.btn-danger,.btn-danger_filled{color:#f54a45;border-color:#f54a45}
        .say{margin:16px 0;padding:10px 14px;background:#fff;border-radius:8px}
        .card-action{display:inline}.card-action select,.card-action input{margin:4px 6px 4px 0}.acting{margin:8px 0}
        .flash{margin:10px 0;padding:8px 12px;border-radius:6px;background:#e1eaff}.flash-success{background:#d9f5d6}
        .flash-error{background:#fde2e2;color:#a1260d}.flash-warning{background:#fff3c2}
        .directory{display:flex;gap:16px;align-items:flex-start}.tree{min-width:220px;background:#fff;border-radius:8px;padding:4px 12px}
        .tree ul{list-style:none;padding-left:14px;margin:2px 0}.tree a{color:#1f2329;text-decoration:none}.tree a.current{color:#3370ff;font-weight:600}
        .directory section{flex:1;min-width:0}.say label{margin-right:8px;white-space:nowrap}
        .people td{white-space:nowrap;font-size:13px}.people .actions .btn{margin:0 4px 0 0;padding:2px 8px}
        .tabs{margin:8px 0}.tab{display:inline-block;padding:4px 12px;border-radius:6px 6px 0 0;background:#eef;color:#1f2329;text-decoration:none}
        .tab.current{background:#3370ff;color:#fff}.grid td,.grid th{padding:4px;font-size:13px;white-space:nowrap}
        .grid input[type=text],.grid input:not([type]){width:9em}.grid .actions form{display:inline}.grid .actions .btn{margin:0 2px;padding:2px 8px}
        .grid .computed{color:#646a73}.grid .new-row{background:#f8f9fa}
        """;
}
