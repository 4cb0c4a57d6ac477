using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Cli.Infrastructure;
using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Crypto;

namespace Larkway.Cli.Commands;

/// <summary>
/// <c>larkway event decrypt | verify | send</c>: debugging tools for Feishu event and callback
/// requests (captured bodies, local receivers). They never print keys or tokens.
/// </summary>
internal static partial class EventCommand
{
    /// <summary>Placeholders used by <c>event send</c> when neither the file nor the options give them.</summary>
    internal const string PlaceholderAppId = "cli_0000000000000000";

    internal const string PlaceholderTenantKey = "larkway_tenant";

    private const string TrailingNewlineHint =
        "Editors often add a final newline when saving a captured body; if the original request had none, remove it (e.g. `truncate -s -1 FILE`).";

    // Pretty output keeps CJK readable; it goes to a terminal, never into HTML.
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliContext context, AppCredentials credentials) =>
        new("event", "Decrypt, verify and send Feishu event / callback requests (for debugging receivers).")
        {
            Decrypt(context), Verify(context), Send(context, credentials),
        };

    private static Command Decrypt(CliContext context)
    {
        var key = new Option<string>("--encrypt-key") { Description = "The app's Encrypt Key (developer console → Events and callbacks → Encryption strategy)", Required = true };
        var bodyFile = new Option<FileInfo?>("--body-file") { Description = "File holding the request body {\"encrypt\":\"…\"} or the bare base64; default: standard input" };
        var raw = new Option<bool>("--raw") { Description = "Print the plaintext as is, even when it is not JSON" };
        var command = new Command("decrypt", "Decrypt an encrypted event or callback body and print the plaintext (pretty JSON).") { key, bodyFile, raw };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var encryptKey = parse.GetValue(key)!;
            if (encryptKey.Length == 0)
            {
                throw new CliException("--encrypt-key must not be empty", ExitCodes.Usage);
            }

            var input = parse.GetValue(bodyFile) is { } file
                ? await InputFiles.ReadTextAsync("--body-file", file.FullName, cancellationToken).ConfigureAwait(false)
                : await context.Input.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            var encrypt = ExtractEncrypt(input);

            byte[] plaintext;
            try
            {
                plaintext = new FeishuEventDecryptor(encryptKey).Decrypt(encrypt);
            }
            catch (FeishuEventException ex)
            {
                throw new CliException(ex.Message);
            }

            if (plaintext.Length == 0)
            {
                await context.Error.WriteLineAsync("note: the plaintext is empty").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var text = Encoding.UTF8.GetString(plaintext);
            if (parse.GetValue(raw))
            {
                await context.Output.WriteLineAsync(text).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            JsonNode? json;
            try
            {
                json = JsonNode.Parse(plaintext);
            }
            catch (JsonException)
            {
                // AES-CBC is unauthenticated: a wrong key or a tampered IV can still yield valid padding.
                throw new CliException("decrypted, but the plaintext is not JSON: the key is probably wrong or the payload was altered (check the signature first; --raw prints it anyway)");
            }

            await context.Output.WriteLineAsync(json is null ? "null" : Readable(json.ToJsonString(Pretty))).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>System.Text.Json always escapes characters outside the BMP; emoji read better as themselves.</summary>
    private static string Readable(string json) =>
        EscapedSurrogatePair().Replace(json, m => char.ConvertFromUtf32(char.ConvertToUtf32(
            (char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            (char)int.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));

    // A \uD8xx\uDCxx escape not itself preceded by an escaping backslash.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=(?:^|[^\\])(?:\\\\)*)\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex EscapedSurrogatePair();

    /// <summary>The base64 payload: the <c>encrypt</c> field of a JSON body, or the trimmed text itself.</summary>
    private static string ExtractEncrypt(string input)
    {
        var trimmed = input.Trim();
        if (trimmed.Length == 0)
        {
            throw new CliException("the body is empty: give {\"encrypt\":\"…\"} or the base64 payload");
        }

        if (!trimmed.StartsWith('{'))
        {
            return trimmed;
        }

        try
        {
            using var document = JsonDocument.Parse(trimmed);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("encrypt", out var encrypt) && encrypt.ValueKind == JsonValueKind.String
                ? encrypt.GetString()!
                : throw new CliException("the body is JSON without a string \"encrypt\" field: it is not encrypted");
        }
        catch (JsonException ex)
        {
            throw new CliException($"the body starts with '{{' but is not valid JSON: {ErrorText.Of(ex)}");
        }
    }

    private static Command Verify(CliContext context)
    {
        var key = new Option<string?>("--encrypt-key") { Description = "The Encrypt Key (events and new-style callbacks: SHA-256)" };
        var cardV1 = new Option<bool>("--card-v1") { Description = "Use the old message-card callback rule (SHA-1 with the Verification Token)" };
        var token = new Option<string?>("--verification-token") { Description = "The Verification Token (with --card-v1)" };
        var timestamp = new Option<string>("--timestamp") { Description = "The X-Lark-Request-Timestamp header", Required = true };
        var nonce = new Option<string>("--nonce") { Description = "The X-Lark-Request-Nonce header", Required = true };
        var signature = new Option<string>("--signature") { Description = "The X-Lark-Signature header", Required = true };
        var bodyFile = new Option<FileInfo>("--body-file")
        {
            Description = "The raw request body, byte for byte (no newline is trimmed: " + TrailingNewlineHint + ")",
            Required = true,
        };
        var command = new Command(
            "verify",
            "Check X-Lark-Signature of a captured request; exit 0 when valid, 1 when not. Only the signature is checked, not the timestamp's age.")
        {
            key, cardV1, token, timestamp, nonce, signature, bodyFile,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var legacy = parse.GetValue(cardV1);
            var encryptKey = parse.GetValue(key);
            var verificationToken = parse.GetValue(token);
            if (legacy && encryptKey is not null)
            {
                throw new CliException("--card-v1 uses the Verification Token, not --encrypt-key: give one rule", ExitCodes.Usage);
            }

            if (legacy && verificationToken is null)
            {
                throw new CliException("--card-v1 needs --verification-token", ExitCodes.Usage);
            }

            if (!legacy && encryptKey is null)
            {
                throw new CliException("give --encrypt-key (events, new callbacks) or --card-v1 --verification-token (old card callbacks)", ExitCodes.Usage);
            }

            if (!legacy && verificationToken is not null)
            {
                throw new CliException("--verification-token goes with --card-v1", ExitCodes.Usage);
            }

            var body = await InputFiles.ReadBytesAsync("--body-file", parse.GetValue(bodyFile)!.FullName, cancellationToken).ConfigureAwait(false);
            var ts = parse.GetValue(timestamp)!;
            var n = parse.GetValue(nonce)!;
            var given = parse.GetValue(signature)!;
            var secret = legacy ? verificationToken! : encryptKey!;
            string Compute(ReadOnlySpan<byte> b) => legacy
                ? FeishuEventSignature.ComputeLegacyCardSignature(ts, n, secret, b)
                : FeishuEventSignature.ComputeEventSignature(ts, n, secret, b);
            var valid = legacy
                ? FeishuEventSignature.VerifyLegacyCardSignature(ts, n, secret, body, given)
                : FeishuEventSignature.VerifyEventSignature(ts, n, secret, body, given);
            if (valid)
            {
                await context.Output.WriteLineAsync("valid").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var rule = legacy
                ? $"SHA-1 over timestamp+nonce+verification_token+body ({body.Length} bytes)"
                : $"SHA-256 over timestamp+nonce+encrypt_key+body ({body.Length} bytes)";
            var expected = Compute(body);
            await context.Output.WriteLineAsync("invalid").ConfigureAwait(false);
            await context.Error.WriteLineAsync($"expected {rule}: {expected}").ConfigureAwait(false);
            foreach (var hint in Hints(given, expected, body, Compute, legacy))
            {
                await context.Error.WriteLineAsync("hint: " + hint).ConfigureAwait(false);
            }

            return ExitCodes.Failure;
        }));
        return command;
    }

    private delegate string SignatureOf(ReadOnlySpan<byte> body);

    private static IEnumerable<string> Hints(string given, string expected, byte[] body, SignatureOf compute, bool legacy)
    {
        if (given.Length == 0)
        {
            yield return "the signature is empty: Feishu signs only when an Encrypt Key (events) or a Verification Token (old cards) is set";
        }
        else if (string.Equals(given, expected, StringComparison.OrdinalIgnoreCase))
        {
            yield return "the signature differs only in letter case: Feishu sends lowercase hex";
        }
        else if (given.Length == (legacy ? 64 : 40))
        {
            yield return legacy
                ? "the signature has 64 hex digits (SHA-256): new-style callbacks and events use --encrypt-key"
                : "the signature has 40 hex digits (SHA-1): old card callbacks use --card-v1 --verification-token";
        }

        if (body.Length > 0 && body[^1] == (byte)'\n')
        {
            var trimmed = body.AsSpan(0, body.Length - (body.Length > 1 && body[^2] == (byte)'\r' ? 2 : 1));
            yield return string.Equals(compute(trimmed), given, StringComparison.Ordinal)
                ? "the signature matches the body without its final newline: " + TrailingNewlineHint
                : "the body ends with a newline. " + TrailingNewlineHint;
        }
    }

    private static Command Send(CliContext context, AppCredentials credentials)
    {
        var to = new Option<string>("--to") { Description = "The receiver's URL, e.g. http://127.0.0.1:5000/feishu/events", Required = true };
        var type = new Option<string?>("--type") { Description = "The event type (header.event_type), e.g. im.message.receive_v1; optional when the file is a full envelope with one" };
        var file = new Option<FileInfo>("--file")
        {
            Description = "JSON file: the event object (wrapped in a v2 envelope), or a full v2 envelope {schema, header, event} (kept; missing header fields are filled)",
            Required = true,
        };
        var key = new Option<string?>("--encrypt-key") { Description = "Encrypt the body and sign it (X-Lark-Signature, SHA-256) with this Encrypt Key" };
        var token = new Option<string?>("--verification-token") { Description = "The Verification Token put in header.token (default: empty)" };
        var tenantKey = new Option<string?>("--tenant-key") { Description = $"header.tenant_key (default: {PlaceholderTenantKey})" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer (Feishu itself waits 3 s)", DefaultValueFactory = _ => 10 };
        var command = new Command(
            "send",
            "POST an event to a receiver as Feishu would: v2 envelope, fresh event_id, create_time in ms, optionally encrypted and signed. Exit 0 on 2xx.")
        {
            to, type, file, key, token, tenantKey, timeout,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            if (!Uri.TryCreate(parse.GetValue(to), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException("--to must be an absolute http(s) URL", ExitCodes.Usage);
            }

            var seconds = parse.GetValue(timeout);
            if (!(seconds > 0))
            {
                throw new CliException("--timeout must be a positive number of seconds", ExitCodes.Usage);
            }

            var json = await InputFiles.ReadTextAsync("--file", parse.GetValue(file)!.FullName, cancellationToken).ConfigureAwait(false);
            var encryptKey = parse.GetValue(key);
            var envelope = BuildEnvelope(
                json,
                parse.GetValue(type),
                parse.GetValue(token) ?? string.Empty,
                parse.GetValue(credentials.AppId) ?? context.Environment(AppCredentials.AppIdVariable) ?? PlaceholderAppId,
                parse.GetValue(tenantKey) ?? PlaceholderTenantKey,
                DateTimeOffset.UtcNow);
            var header = envelope["header"]!.AsObject();
            var plaintext = envelope.ToJsonString(Compact);
            var body = Encoding.UTF8.GetBytes(encryptKey is { Length: > 0 } k ? new FeishuEventEncryptor(k).EncryptBody(plaintext) : plaintext);

            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            request.Headers.TryAddWithoutValidation(FeishuEventSignature.TimestampHeader, timestamp);
            request.Headers.TryAddWithoutValidation(FeishuEventSignature.NonceHeader, nonce);
            if (encryptKey is { Length: > 0 } signingKey)
            {
                request.Headers.TryAddWithoutValidation(FeishuEventSignature.SignatureHeader, FeishuEventSignature.ComputeEventSignature(timestamp, nonce, signingKey, body));
            }

            await context.Output.WriteLineAsync(
                $"sending {header["event_type"]} event_id {header["event_id"]} to {url}{(encryptKey is { Length: > 0 } ? " (encrypted, signed)" : string.Empty)}").ConfigureAwait(false);

            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(Math.Min(seconds, 5)) })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
            var clock = Stopwatch.StartNew();
            HttpResponseMessage response;
            string responseBody;
            try
            {
                response = await http.SendAsync(request, deadline.Token).ConfigureAwait(false);
                responseBody = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"timeout: no response from {url} within {seconds:0.###} s");
            }
            catch (HttpRequestException ex)
            {
                throw new CliException(DescribeFailure(ex, url));
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                await context.Output.WriteLineAsync($"HTTP {status} {response.ReasonPhrase} ({clock.ElapsedMilliseconds} ms)").ConfigureAwait(false);
                if (responseBody.Length > 0)
                {
                    await context.Output.WriteLineAsync(responseBody).ConfigureAwait(false);
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(3))
                {
                    await context.Error.WriteLineAsync("warning: the answer took over 3 s; Feishu would have treated it as a failure").ConfigureAwait(false);
                }

                if (status is < 200 or > 299)
                {
                    throw new CliException($"the receiver answered HTTP {status} (not 2xx)");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static string DescribeFailure(HttpRequestException ex, Uri url)
    {
        if (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return $"connection refused: nothing listens at {url.Authority}";
        }

        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"cannot resolve host {url.Host}",
            HttpRequestError.ConnectionError => $"cannot connect to {url.Authority}: {ex.Message}",
            _ => $"request to {url} failed: {ex.Message}",
        };
    }

    /// <summary>
    /// The v2 envelope to send. A bare event object is wrapped; a full envelope (has <c>schema</c> or
    /// <c>header</c>) is kept and only missing header fields are filled, so a captured envelope can be
    /// replayed with its own ids. A given <c>--type</c> that contradicts the envelope is a usage error.
    /// </summary>
    internal static JsonObject BuildEnvelope(string json, string? eventType, string token, string appId, string tenantKey, DateTimeOffset now)
    {
        JsonObject input;
        try
        {
            input = JsonNode.Parse(json) as JsonObject ?? throw new CliException("--file: the file must hold a JSON object (the event, or a v2 envelope)");
        }
        catch (JsonException ex)
        {
            throw new CliException($"--file: not valid JSON: {ErrorText.Of(ex)}");
        }

        var isEnvelope = input.ContainsKey("schema") || input.ContainsKey("header");
        JsonObject envelope;
        JsonObject header;
        if (isEnvelope)
        {
            envelope = input;
            header = envelope["header"] as JsonObject ?? new JsonObject();
            envelope["schema"] ??= "2.0";
        }
        else
        {
            header = new JsonObject();
            envelope = new JsonObject { ["schema"] = "2.0", ["header"] = header, ["event"] = input };
        }

        var existingType = header["event_type"]?.GetValue<string>();
        if (existingType is not null && eventType is not null && existingType != eventType)
        {
            throw new CliException($"--type {eventType} contradicts the envelope's event_type {existingType}", ExitCodes.Usage);
        }

        if ((existingType ?? eventType) is not { Length: > 0 } type)
        {
            throw new CliException("--type is required unless the file is an envelope with header.event_type", ExitCodes.Usage);
        }

        // Rebuilt in Feishu's field order; values already present win.
        envelope["header"] = new JsonObject
        {
            ["event_id"] = header["event_id"]?.DeepClone() ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["event_type"] = type,
            ["create_time"] = header["create_time"]?.DeepClone() ?? now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["token"] = header["token"]?.DeepClone() ?? token,
            ["app_id"] = header["app_id"]?.DeepClone() ?? appId,
            ["tenant_key"] = header["tenant_key"]?.DeepClone() ?? tenantKey,
        };
        foreach (var extra in header.Where(p => p.Key is not ("event_id" or "event_type" or "create_time" or "token" or "app_id" or "tenant_key")).ToList())
        {
            envelope["header"]![extra.Key] = extra.Value?.DeepClone();
        }

        return envelope;
    }
}
