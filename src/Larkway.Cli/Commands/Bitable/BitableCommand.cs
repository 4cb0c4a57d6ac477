using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Cli.Infrastructure;
using Larkway.Feishu;
using Larkway.Feishu.Bitable;

namespace Larkway.Cli.Commands.Bitable;

/// <summary><c>larkway bitable tables | schema | export | import</c>: a base's tables and fields, and records to and from CSV or JSON.</summary>
internal static class BitableCommand
{
    /// <summary>Records per create call on import (the documented cap is 1,000; 500 keeps a refused batch's bisection short).</summary>
    public const int ImportBatch = 500;

    public static Command Create(CliContext context, AppCredentials credentials)
    {
        var app = new Option<string>("--app") { Description = "The base's app_token (from its URL: /base/<app_token>)", Required = true };
        var table = new Option<string>("--table") { Description = "The table's id (tbl…)", Required = true };

        var tables = new Command("tables", "List a base's tables.") { app };
        tables.SetAction((parse, ct) => CommandRunner.RunAsync(context, async () =>
        {
            using var client = new FeishuClient(credentials.Resolve(parse, context));
            await foreach (var t in client.Bitable.Tables.ListAsync(parse.GetValue(app)!, cancellationToken: ct).ConfigureAwait(false))
            {
                await context.Output.WriteLineAsync($"{t.TableId}\t{t.Name}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }));

        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var schema = new Command("schema", "Show a base's tables with their fields (id, name, type, options) and views.") { app, json };
        schema.SetAction((parse, ct) => CommandRunner.RunAsync(context, () => SchemaAsync(context, credentials, parse, parse.GetValue(app)!, parse.GetValue(json), ct)));

        var view = new Option<string?>("--view") { Description = "Only this view's records (vew…)" };
        var filter = new Option<string?>("--filter") { Description = "A search filter as JSON: {\"conjunction\":\"and\",\"conditions\":[{\"field_name\":\"Status\",\"operator\":\"is\",\"value\":[\"Open\"]}]}" };
        var output = new Option<string?>("--out") { Description = "Write to this .csv or .json file (default: CSV on standard output)" };
        var export = new Command("export", "Export a table's records to CSV (a header of field names) or JSON.") { app, table, view, filter, output };
        export.SetAction((parse, ct) => CommandRunner.RunAsync(context, () => ExportAsync(context, credentials, parse, parse.GetValue(app)!, parse.GetValue(table)!, parse.GetValue(view), parse.GetValue(filter), parse.GetValue(output), ct)));

        var file = new Argument<string>("file") { Description = "A CSV file whose header names the fields" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and print what would be imported; send nothing" };
        var import = new Command("import", "Import a CSV file into a table, batched and idempotent: running the same import again creates nothing twice.") { app, table, file, dryRun };
        import.SetAction((parse, ct) => CommandRunner.RunAsync(context, () => ImportAsync(context, credentials, parse, parse.GetValue(app)!, parse.GetValue(table)!, parse.GetValue(file)!, parse.GetValue(dryRun), ct)));

        return new Command("bitable", "Bitable bases: tables, schema, export and import.") { tables, schema, export, import };
    }

    private static async Task<int> SchemaAsync(CliContext context, AppCredentials credentials, ParseResult parse, string appToken, bool asJson, CancellationToken ct)
    {
        using var client = new FeishuClient(credentials.Resolve(parse, context));
        var tables = new List<object>();
        await foreach (var t in client.Bitable.Tables.ListAsync(appToken, cancellationToken: ct).ConfigureAwait(false))
        {
            var fields = await ListAsync(client.Bitable.Fields.ListAsync(appToken, t.TableId, cancellationToken: ct), ct).ConfigureAwait(false);
            var views = await ListAsync(client.Bitable.Views.ListAsync(appToken, t.TableId, cancellationToken: ct), ct).ConfigureAwait(false);
            if (asJson)
            {
                tables.Add(new Dictionary<string, object?>
                {
                    ["table_id"] = t.TableId,
                    ["name"] = t.Name,
                    ["fields"] = fields.Select(f => new Dictionary<string, object?> { ["field_id"] = f.FieldId, ["name"] = f.FieldName, ["type"] = (int)f.Type, ["type_name"] = f.Type.ToString(), ["ui_type"] = f.UiType, ["primary"] = f.IsPrimary, ["options"] = f.Property?.Options?.Select(o => o.Name).ToList() }).ToList(),
                    ["views"] = views.Select(v => new Dictionary<string, object?> { ["view_id"] = v.ViewId, ["name"] = v.ViewName, ["type"] = v.ViewType }).ToList(),
                });
                continue;
            }

            await context.Output.WriteLineAsync($"{t.TableId}\t{t.Name}").ConfigureAwait(false);
            foreach (var f in fields)
            {
                var options = f.Property?.Options is { Count: > 0 } o ? $"\toptions: {string.Join(", ", o.Select(x => x.Name))}" : "";
                await context.Output.WriteLineAsync($"  field {f.FieldId}\t{f.FieldName}\t{f.Type} ({(int)f.Type}){(f.IsPrimary ? "\tprimary" : "")}{(CellText.IsReadOnly(f.Type) ? "\tread-only" : "")}{options}").ConfigureAwait(false);
            }

            foreach (var v in views)
            {
                await context.Output.WriteLineAsync($"  view  {v.ViewId}\t{v.ViewName}\t{v.ViewType}").ConfigureAwait(false);
            }
        }

        if (asJson)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object?> { ["app_token"] = appToken, ["tables"] = tables }, SchemaJson.Options)).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static async Task<int> ExportAsync(CliContext context, AppCredentials credentials, ParseResult parse, string appToken, string tableId, string? viewId, string? filterJson, string? output, CancellationToken ct)
    {
        var format = output is null ? "csv" : Path.GetExtension(output).ToLowerInvariant() switch
        {
            ".csv" => "csv",
            ".json" => "json",
            _ => throw new CliException($"--out: '{output}' must end in .csv or .json", ExitCodes.Usage),
        };
        using var client = new FeishuClient(credentials.Resolve(parse, context));
        var fields = await ListAsync(client.Bitable.Fields.ListAsync(appToken, tableId, cancellationToken: ct), ct).ConfigureAwait(false);
        var search = new BitableSearch { ViewId = viewId, Filter = filterJson is null ? null : FilterJson.Parse(filterJson, fields), AutomaticFields = true };
        var text = new StringBuilder();
        var items = new List<Dictionary<string, object?>>();
        if (format == "csv")
        {
            text.Append(CsvText.Line(fields.Select(f => f.FieldName))).Append('\n');
        }

        var count = 0;
        await foreach (var record in client.Bitable.Records.SearchAsync(appToken, tableId, search, 500, ct).ConfigureAwait(false))
        {
            count++;
            if (format == "csv")
            {
                text.Append(CsvText.Line(fields.Select(f => record.Fields.TryGetValue(f.FieldName, out var cell) ? CellText.Write(BitableValue.Read(f.Type, cell)) : null))).Append('\n');
            }
            else
            {
                items.Add(new Dictionary<string, object?>
                {
                    ["record_id"] = record.RecordId,
                    ["fields"] = record.Fields.ToDictionary(c => c.Key, c => (object?)c.Value),
                    ["last_modified_time"] = record.LastModifiedTime?.ToUnixTimeMilliseconds(),
                });
            }
        }

        var content = format == "csv" ? text.ToString() : JsonSerializer.Serialize(new Dictionary<string, object?> { ["records"] = items }, SchemaJson.Options) + "\n";
        if (output is null)
        {
            await context.Output.WriteAsync(content).ConfigureAwait(false);
        }
        else
        {
            await File.WriteAllTextAsync(output, content, new UTF8Encoding(false), ct).ConfigureAwait(false);
        }

        await context.Error.WriteLineAsync($"exported {count} records{(output is null ? "" : $" to {output}")}").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> ImportAsync(CliContext context, AppCredentials credentials, ParseResult parse, string appToken, string tableId, string path, bool dryRun, CancellationToken ct)
    {
        var content = await InputFiles.ReadTextAsync("file", path, ct).ConfigureAwait(false);
        List<(int Line, IReadOnlyList<string> Fields)> rows;
        try
        {
            rows = [.. CsvText.Read(content.TrimStart('\uFEFF'))];
        }
        catch (FormatException ex)
        {
            throw new CliException($"{path}: {ex.Message}", ExitCodes.Usage);
        }

        if (rows.Count == 0)
        {
            throw new CliException($"{path}: the file is empty; its first line names the fields", ExitCodes.Usage);
        }

        using var client = new FeishuClient(credentials.Resolve(parse, context));
        var fields = await ListAsync(client.Bitable.Fields.ListAsync(appToken, tableId, cancellationToken: ct), ct).ConfigureAwait(false);
        var byName = fields.ToDictionary(f => f.FieldName, StringComparer.Ordinal);
        var header = rows[0].Fields;
        var unknown = header.Where(h => !byName.ContainsKey(h)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliException($"{path} line 1: the table has no field {string.Join(", ", unknown.Select(u => $"'{u}'"))}; its fields: {string.Join(", ", fields.Select(f => f.FieldName))}", ExitCodes.Usage);
        }

        var skipped = header.Where(h => CellText.IsReadOnly(byName[h].Type)).ToList();
        if (skipped.Count > 0)
        {
            await context.Error.WriteLineAsync($"note: {string.Join(", ", skipped)} {(skipped.Count == 1 ? "is" : "are")} computed by Feishu and skipped").ConfigureAwait(false);
        }

        // People by email: looked up once, 50 at a time.
        var people = header.Select((h, i) => (h, i)).Where(x => byName[x.h].Type == BitableFieldType.User).Select(x => x.i).ToList();
        var emails = rows.Skip(1).SelectMany(r => people.Where(i => i < r.Fields.Count).SelectMany(i => CellText.Emails(r.Fields[i]))).Select(e => e.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var openIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in emails.Chunk(50))
        {
            foreach (var found in await client.Contact.Users.BatchGetIdsAsync(emails: chunk, cancellationToken: ct).ConfigureAwait(false))
            {
                if (found is { Found: true, Email: { } email })
                {
                    openIds[email.ToLowerInvariant()] = found.UserId!;
                }
            }
        }

        var refused = new List<string>();
        var records = new List<(int Line, BitableRecordFields Fields)>();
        foreach (var (line, cells) in rows.Skip(1))
        {
            if (cells.Count != header.Count)
            {
                refused.Add($"line {line}: {cells.Count} fields where the header has {header.Count}");
                continue;
            }

            var record = new BitableRecordFields();
            string? problem = null;
            for (var i = 0; i < header.Count && problem is null; i++)
            {
                var field = byName[header[i]];
                if (CellText.IsReadOnly(field.Type))
                {
                    continue;
                }

                try
                {
                    if (CellText.Read(cells[i], field.Type, openIds) is { } value)
                    {
                        record.Add(field.FieldName, value);
                    }
                }
                catch (FormatException ex)
                {
                    problem = $"line {line}: field {field.FieldName}: {ex.Message}";
                }
            }

            if (problem is null)
            {
                records.Add((line, record));
            }
            else
            {
                refused.Add(problem);
            }
        }

        var created = 0;
        if (!dryRun)
        {
            // Each batch's client_token comes from the file, the table and the batch's place: the same import run again
            // (after a crash, say) sends the same tokens, and Bitable answers the records it made instead of making them twice.
            var fileHash = SHA256.HashData(Encoding.UTF8.GetBytes(content));
            var batch = 0;
            foreach (var chunk in records.Chunk(ImportBatch))
            {
                var token = Token(fileHash, appToken, tableId, batch++);
                try
                {
                    created += (await client.Bitable.Records.BatchCreateAsync(appToken, tableId, chunk.Select(c => c.Fields), new BitableWriteOptions { ClientToken = token }, ct).ConfigureAwait(false)).Count;
                }
                catch (BitableBatchException ex) when (ex.NotSent.Count == 0)
                {
                    created += ex.Succeeded.Count;
                    refused.AddRange(ex.Failures.Select(f => $"line {chunk[f.Index].Line}: Feishu code {f.Error.Code}: {f.Error.ErrorMessage}"));
                }

                await context.Error.WriteLineAsync($"{created} of {records.Count} records created").ConfigureAwait(false);
            }
        }

        foreach (var line in refused)
        {
            await context.Error.WriteLineAsync(line).ConfigureAwait(false);
        }

        await context.Output.WriteLineAsync(dryRun
            ? $"dry run: {records.Count} rows would be imported, {refused.Count} refused"
            : $"imported {created} records, {refused.Count} rows refused").ConfigureAwait(false);
        return refused.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>A UUID v4 derived from the file, the table and the batch (Feishu takes only version 4 tokens).</summary>
    internal static Guid Token(byte[] fileHash, string appToken, string tableId, int batch)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{Convert.ToHexString(fileHash)}|{appToken}|{tableId}|{batch.ToString(CultureInfo.InvariantCulture)}"))[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items, CancellationToken ct)
    {
        var list = new List<T>();
        await foreach (var item in items.WithCancellation(ct).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }
}

/// <summary>The JSON the schema and export print.</summary>
internal static class SchemaJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
}
