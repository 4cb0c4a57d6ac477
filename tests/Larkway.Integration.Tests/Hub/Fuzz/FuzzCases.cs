using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>One generated request: what it is (for the report) and how to build it (at send time, so signatures are fresh).</summary>
internal sealed record FuzzRequest(string Route, string Description, int BodyLength, Func<HttpRequestMessage> Build);

/// <summary>Generates the malformed requests for every route: paths, callers, query strings and bodies.</summary>
internal static partial class FuzzCases
{
    /// <summary>Route parameter values that are wrong in every way a path segment can be (already URL-escaped).</summary>
    private static readonly string[] JunkSegments =
    [
        "0", "-1", "99999999999999999999999", "x", "%00", "%FF%FE", "..%2F..%2Fetc%2Fpasswd", new('a', 3000), "%E5%90%8D%E5%AD%97", "null", "%7B%7B%23each%7D%7D", "%20", "default",
    ];

    private static readonly string[] JunkQueries =
    [
        "limit=-1&status=%FF&cursor=%00&type=x",
        "limit=99999999999999999999&cursor=AAAA____&count=yes",
        "limit=abc&status=dead_letter&reference=%E5%90%8D",
        "status=&type=&limit=&cursor=&reference=",
        "cursor=" + new string('A', 5000),
        "limit=1&limit=2&status=done&status=pending",
        "page=-5&handler=%FF&returnUrl=https%3A%2F%2Fevil.example",
        "email=%00%FF@&department=%2F..%2F&q=%25%27%22&after=per_&include_mobile=maybe&include_deleted=2&kind=scope&parent=" + new string('9', 400),
        "sample=99999999999&full=2&id=%00&side=x&kind=%FF&person=" + new string('p', 300),
        "sample=-1&full=&id=-1&limit=0&before=-1&after=%00",
        "limit=1000000&sample=1000000&before=99999999999999999999",
        "platform=%FF&status=lost&person=per_%00&before=abc&assistant=" + new string('a', 300) + "&after=9_9_",
        "platform=dingtalk&status=answered&person=" + new string('p', 400) + "&before=1e3&after=99999999999999999999_1_per_x&assistant=%20",
        // Every list pages with limit and after (a name, an id or a number by list): cursors of each kind, and both
        // names of the newest-first lists' cursor at once.
        "limit=1&after=default&before=apr_0123456789abcdef0123456789abcdef",
        "limit=200&after=key_0123456789abcdef",
        "limit=1&after=whk_ffffffffffffffffffffffffffffffff",
        "limit=2&after=-1&before=0",
        "after=%E5%90%8D%00&limit=%20",
    ];

    private static readonly string[] BodyMethods = ["POST", "PUT", "PATCH"];

    /// <summary>Every request the fuzz sends through the HTTP client, shuffled by <paramref name="random"/>.</summary>
    public static List<FuzzRequest> For(IReadOnlyList<FuzzRoute> routes, FuzzTarget target, Random random)
    {
        var generic = MalformedJson.Generic(random).ToList();
        var cases = new List<FuzzRequest>();
        foreach (var route in routes)
        {
            foreach (var method in route.Methods.Where(m => m != "HEAD" && m != "OPTIONS"))
            {
                if (route.IsFeishu)
                {
                    cases.AddRange(Feishu(route, target, generic, random));
                    continue;
                }

                if (route.IsDingTalk)
                {
                    cases.AddRange(DingTalk(route, target, generic, random));
                    continue;
                }

                if (route.IsWeCom)
                {
                    cases.AddRange(WeCom(route, method, target, generic, random));
                    continue;
                }

                foreach (var caller in Callers(route))
                {
                    foreach (var path in Paths(route, method, target, random))
                    {
                        cases.AddRange(ForPath(route, method, path, caller, target, generic, random));
                    }
                }
            }

            if (OidcCases.Covers(route))
            {
                cases.AddRange(OidcCases.For(route, target, random));
            }

            // A method the route does not map: 405, not an error.
            cases.Add(Request(route, "TRACE", route.Path(_ => "x"), FuzzCaller.Admin, target, null, "unmapped-method"));
        }

        return [.. cases.OrderBy(_ => random.Next())];
    }

    /// <summary>The console's forms, found on its pages as the signed-in administrator sees them, posted with hostile values.</summary>
    public static async Task<List<FuzzRequest>> ConsoleFormsAsync(IReadOnlyList<FuzzRoute> routes, FuzzTarget target, Random random)
    {
        var cases = new List<FuzzRequest>();
        foreach (var route in routes.Where(r => r.IsConsole && !r.Pattern.Contains("assets", StringComparison.Ordinal)))
        {
            using var page = new HttpRequestMessage(HttpMethod.Get, route.Path(p => Existing(route, target, p, random)));
            target.Authorize(page, FuzzCaller.Console);
            using var response = await target.Http.SendAsync(page);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            foreach (var form in FormPattern().Matches(html).Where(f => f.Groups["attrs"].Value.Contains("method=\"post\"", StringComparison.OrdinalIgnoreCase)))
            {
                var action = WebUtility.HtmlDecode(ActionPattern().Match(form.Groups["attrs"].Value).Groups[1].Value);
                if (action.Length == 0)
                {
                    action = page.RequestUri!.ToString();
                }

                // Signing out would end the fuzzer's own session; it is fuzzed unauthenticated like every page.
                if (action.Contains("sign-out", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                // Nor does it delete its own assistant: the delete form has no field to fuzz, and the assistant's edit
                // form would be left nothing to refuse (the delete route is fuzzed with junk names like every route).
                if (route.IsAssistant && action.EndsWith("/delete", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var fields = FieldPattern().Matches(form.Groups["body"].Value).Select(m => m.Groups[1].Value)
                    .Where(n => n != "__RequestVerificationToken").Distinct(StringComparer.Ordinal).ToList();
                foreach (var (name, value) in HostileFormValues())
                {
                    var body = string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f)}={value}")
                        .Append("__RequestVerificationToken=" + Uri.EscapeDataString(target.ConsoleToken)));
                    var bytes = Encoding.ASCII.GetBytes(body);
                    cases.Add(new FuzzRequest(route.Pattern, $"POST {action} [console] form fields={name}", bytes.Length, () =>
                    {
                        var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new ByteArrayContent(bytes) };
                        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
                        target.Authorize(request, FuzzCaller.Console);
                        return request;
                    }));
                }
            }
        }

        return [.. cases.OrderBy(_ => random.Next())];
    }

    private static IEnumerable<(string Name, string Value)> HostileFormValues()
    {
        yield return ("empty", "");
        yield return ("invalid-percent-utf8", "%FF%FE%C3%28");
        yield return ("nul", "%00");
        yield return ("huge", new string('x', 200_000));
        yield return ("negative", "-1");
        yield return ("overflow", "99999999999999999999999999");
        yield return ("markup", Uri.EscapeDataString("<script>alert(1)</script>\"'"));
        yield return ("broken-json", Uri.EscapeDataString("{\"a\": [1, "));
        yield return ("deep-json", Uri.EscapeDataString(new string('[', 10_000) + new string(']', 10_000)));
        yield return ("duplicate-keys-json", Uri.EscapeDataString("""{"a": 1, "a": [null], "types": [null]}"""));
        yield return ("handlebars-bomb", Uri.EscapeDataString(JsonSerializer.Serialize(new { header = new { title = new { tag = "plain_text", content = MalformedJson.HandlebarsBomb() } } })));
    }

    // Signing out ends every console session, the fuzzer's too: it is fuzzed as nobody.
    private static IEnumerable<FuzzCaller> Callers(FuzzRoute route) =>
        route.IsApi || route.Pattern == "/oidc/register" ? [FuzzCaller.Anonymous, FuzzCaller.WrongKey, FuzzCaller.ApiKey, FuzzCaller.Admin]
        : route.IsConsole && !route.Pattern.Contains("sign-out", StringComparison.OrdinalIgnoreCase) ? [FuzzCaller.Anonymous, FuzzCaller.Console]
        : [FuzzCaller.Anonymous];

    /// <summary>One path naming things that exist and a few with junk segments; deletes never name the fuzzer's own fixtures.</summary>
    private static IEnumerable<string> Paths(FuzzRoute route, string method, FuzzTarget target, Random random)
    {
        if (route.Parameters.Count == 0)
        {
            yield return route.Pattern;
            yield break;
        }

        // A console delete page is a delete too: posted with the console's token, it would remove the fuzzer's app or
        // assistant halfway through the run (the apps' page did, racing a PATCH of the same app).
        if (method != "DELETE" && !(route.IsConsole && route.Pattern.Contains("/delete", StringComparison.Ordinal)))
        {
            yield return route.Path(p => Existing(route, target, p, random));
        }

        for (var i = 0; i < 3; i++)
        {
            yield return route.Path(_ => JunkSegments[random.Next(JunkSegments.Length)]);
        }
    }

    private static string Existing(FuzzRoute route, FuzzTarget target, string parameter, Random random) =>
        route.IsAssistant && parameter == "name" ? FuzzTarget.AssistantName
        : target.Existing.TryGetValue(parameter, out var values) ? Uri.EscapeDataString(values[random.Next(values.Count)]) : "x";

    private static IEnumerable<FuzzRequest> ForPath(FuzzRoute route, string method, string path, FuzzCaller caller, FuzzTarget target, List<FuzzBody> generic, Random random)
    {
        var privileged = caller is FuzzCaller.Admin or FuzzCaller.ApiKey or FuzzCaller.Console;
        if (!BodyMethods.Contains(method))
        {
            yield return Request(route, method, path, caller, target, null, "plain");
            if (privileged)
            {
                foreach (var query in JunkQueries)
                {
                    yield return Request(route, method, path + "?" + query, caller, target, null, "query " + query[..Math.Min(query.Length, 60)]);
                }

                // A body where none is expected.
                yield return Request(route, method, path, caller, target, generic[random.Next(generic.Count)], "unexpected-body");
            }

            yield break;
        }

        // Unauthenticated callers get the bodies that cost the server most to read; everything else for the rest.
        foreach (var body in privileged ? generic : generic.Where(b => b.Name is "huge-string" or "invalid-utf8-in-string" or "deep-objects" or "duplicate-keys" or "random-bytes"))
        {
            yield return Request(route, method, path, caller, target, body, body.Name);
        }

        // Actions steered by the query string (dry-run?sample=, run?full=, dead-letters/retry?id=, directory/sync?kind=).
        if (caller is FuzzCaller.Admin)
        {
            foreach (var query in JunkQueries.OrderBy(_ => random.Next()).Take(3))
            {
                yield return Request(route, method, path + "?" + query, caller, target, null, "query " + query[..Math.Min(query.Length, 60)]);
            }
        }

        if (caller is FuzzCaller.Admin or FuzzCaller.ApiKey && target.Samples.TryGetValue($"{method} {route.Pattern}", out var samples))
        {
            foreach (var sample in samples)
            {
                foreach (var body in Sample(MalformedJson.Mutations(sample, random).ToList(), 160, random))
                {
                    yield return Request(route, method, path, caller, target, body, "mutated " + body.Name);
                }
            }
        }
    }

    private static IEnumerable<FuzzRequest> Feishu(FuzzRoute route, FuzzTarget target, List<FuzzBody> generic, Random random)
    {
        var forApp = route.Parameters.Count > 0;
        var path = route.Path(_ => FuzzTarget.AppName);
        var (encryptKey, token) = forApp ? (FuzzTarget.AppEncryptKey, FuzzTarget.AppVerificationToken) : (FuzzTarget.EncryptKey, FuzzTarget.VerificationToken);

        // Unsigned, and for an app the Hub does not have.
        foreach (var body in generic)
        {
            yield return Feishu(route, path, body, "unsigned " + body.Name, null, null, encrypt: false);
        }

        if (forApp)
        {
            yield return Feishu(route, route.Path(_ => JunkSegments[random.Next(JunkSegments.Length)]), generic[0], "unknown app", encryptKey, null, encrypt: true);
        }

        // Signed correctly, so the malformed plaintext reaches parsing: encrypted, and as plaintext.
        foreach (var body in generic)
        {
            yield return Feishu(route, path, body, "signed-encrypted " + body.Name, encryptKey, null, encrypt: true);
            yield return Feishu(route, path, body, "signed-plain " + body.Name, encryptKey, null, encrypt: false);
        }

        var notification = target.Existing["id"].FirstOrDefault(id => id.StartsWith("ntf_", StringComparison.Ordinal)) ?? "ntf_x";
        foreach (var (name, sample, legacy) in FuzzSamples.Feishu(token, notification))
        {
            foreach (var body in Sample(MalformedJson.Mutations(sample, random).Prepend(FuzzBody.Text("valid", sample)).ToList(), legacy ? 120 : 90, random))
            {
                var encrypt = !legacy && random.Next(2) == 0;
                yield return Feishu(route, path, body, $"{name} {(encrypt ? "encrypted" : "plain")} {body.Name}", encryptKey, legacy ? token : null, encrypt);
            }
        }
    }

    /// <summary>
    /// DingTalk's callback: unsigned, for an unknown app, as the outgoing robot (signed right around malformed and
    /// mutated robot messages; the sign wrong, missing, alone, stale or not a number) and as the event subscription
    /// (encrypted and signed right around malformed plaintexts; encrypt that is not Base64, not whole blocks, for another
    /// app or under another key; the query's signature, timestamp and nonce wrong, missing, doubled or junk).
    /// </summary>
    private static IEnumerable<FuzzRequest> DingTalk(FuzzRoute route, FuzzTarget target, List<FuzzBody> generic, Random random)
    {
        var path = route.Path(_ => FuzzTarget.DingTalkAppName);
        var (appKey, appSecret) = target.DingTalkApp;
        foreach (var body in generic)
        {
            yield return DingTalk(route, path, body, "unsigned " + body.Name, (_, _) => { });
            yield return DingTalk(route, path, body, "robot-signed " + body.Name, (request, _) => DingTalkWire.SignRobot(request, appSecret, DateTimeOffset.UtcNow));
            yield return DingTalk(route, path, body, "event-signed " + body.Name, (request, bytes) => SignEvent(request, bytes, appKey, FuzzTarget.DingTalkAesKey, FuzzTarget.DingTalkToken, encrypt: true));
        }

        var robot = FuzzSamples.DingTalkRobotMessage(appKey);
        var robotBody = FuzzBody.Text("robot-message", robot);
        yield return DingTalk(route, route.Path(_ => JunkSegments[random.Next(JunkSegments.Length)]), robotBody, "unknown app", (request, _) => DingTalkWire.SignRobot(request, appSecret, DateTimeOffset.UtcNow));
        yield return DingTalk(route, route.Path(_ => FuzzTarget.AppName), robotBody, "a Feishu app's name", (request, _) => DingTalkWire.SignRobot(request, appSecret, DateTimeOffset.UtcNow));
        foreach (var body in Sample(MalformedJson.Mutations(robot, random).Prepend(robotBody).ToList(), 120, random))
        {
            yield return DingTalk(route, path, body, "robot-signed mutated " + body.Name, (request, _) => DingTalkWire.SignRobot(request, appSecret, DateTimeOffset.UtcNow));
        }

        foreach (var (name, headers) in BadRobotHeaders(appSecret))
        {
            yield return DingTalk(route, path, robotBody, "robot " + name, (request, _) =>
            {
                foreach (var (header, value) in headers())
                {
                    request.Headers.TryAddWithoutValidation(header, value);
                }
            });
        }

        var dingEvent = FuzzSamples.DingTalkEvent(appKey);
        foreach (var body in Sample(MalformedJson.Mutations(dingEvent, random).Prepend(FuzzBody.Text("event", dingEvent)).ToList(), 120, random))
        {
            yield return DingTalk(route, path, body, "event-encrypted mutated " + body.Name, (request, bytes) => SignEvent(request, bytes, appKey, FuzzTarget.DingTalkAesKey, FuzzTarget.DingTalkToken, encrypt: true));
        }

        var eventBytes = Encoding.UTF8.GetBytes(dingEvent);
        foreach (var (name, encrypt) in BadEncrypts(eventBytes, appKey))
        {
            var body = FuzzBody.Text(name, JsonSerializer.Serialize(new { encrypt }));
            yield return DingTalk(route, path, body, "event " + name, (request, bytes) => SignEvent(request, bytes, appKey, FuzzTarget.DingTalkAesKey, FuzzTarget.DingTalkToken, encrypt: false));
        }

        var good = FuzzBody.Text("event", JsonSerializer.Serialize(new { encrypt = DingTalkWire.Encrypt(eventBytes, FuzzTarget.DingTalkAesKey, appKey) }));
        foreach (var query in BadEventQueries())
        {
            yield return DingTalk(route, path + "?" + query, good, "event query " + query[..Math.Min(query.Length, 60)], (_, _) => { });
        }

        // The right signature in a query that also carries junk (a doubled parameter, invalid percent-encoding).
        yield return DingTalk(route, path, good, "event doubled-signature", (request, bytes) =>
        {
            SignEvent(request, bytes, appKey, FuzzTarget.DingTalkAesKey, FuzzTarget.DingTalkToken, encrypt: false);
            request.RequestUri = new Uri(request.RequestUri!.OriginalString + "&msg_signature=00&timestamp=%FF", UriKind.Relative);
        });
    }

    private static IEnumerable<(string Name, Func<IEnumerable<(string, string)>> Headers)> BadRobotHeaders(string appSecret)
    {
        static string Sign(string secret, string timestamp) =>
            Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));
        static string Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        yield return ("wrong-secret", () => [("timestamp", Now()), ("sign", Sign("not-the-secret", Now()))]);
        yield return ("sign-only", () => [("sign", Sign(appSecret, Now()))]);
        yield return ("timestamp-only", () => [("timestamp", Now())]);
        yield return ("empty-headers", () => [("timestamp", ""), ("sign", "")]);
        yield return ("stale", () =>
        {
            var old = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            return [("timestamp", old), ("sign", Sign(appSecret, old))];
        });
        yield return ("future", () => [("timestamp", "99999999999999999999"), ("sign", Sign(appSecret, "99999999999999999999"))]);
        yield return ("negative-timestamp", () => [("timestamp", "-1"), ("sign", Sign(appSecret, "-1"))]);
        yield return ("text-timestamp", () => [("timestamp", "yesterday"), ("sign", Sign(appSecret, "yesterday"))]);
        yield return ("sign-not-base64", () => [("timestamp", Now()), ("sign", "%%%not base64%%%")]);
        yield return ("sign-huge", () => [("timestamp", Now()), ("sign", new string('A', 8000))]);
        yield return ("sign-lowercased", () => { var now = Now(); return [("timestamp", now), ("sign", Sign(appSecret, now).ToLowerInvariant())]; });
        yield return ("doubled-headers", () => { var now = Now(); return [("timestamp", now), ("timestamp", now), ("sign", Sign(appSecret, now)), ("sign", "x")]; });
    }

    private static IEnumerable<(string Name, string Encrypt)> BadEncrypts(byte[] message, string appKey)
    {
        yield return ("encrypt-empty", "");
        yield return ("encrypt-not-base64", "%%% not base64 %%%");
        yield return ("encrypt-short", Convert.ToBase64String(new byte[5]));
        yield return ("encrypt-one-block", Convert.ToBase64String(new byte[16]));
        yield return ("encrypt-odd-blocks", Convert.ToBase64String(new byte[40]));
        yield return ("encrypt-random", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(96)));
        yield return ("encrypt-other-key", DingTalkWire.Encrypt(message, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", appKey));
        yield return ("encrypt-other-owner", DingTalkWire.Encrypt(message, FuzzTarget.DingTalkAesKey, "dingsomeoneelse"));
        yield return ("encrypt-not-json", DingTalkWire.Encrypt(Encoding.UTF8.GetBytes("not json {"), FuzzTarget.DingTalkAesKey, appKey));
        yield return ("encrypt-no-event-type", DingTalkWire.Encrypt(Encoding.UTF8.GetBytes("""{"CorpId":"x"}"""), FuzzTarget.DingTalkAesKey, appKey));
        yield return ("encrypt-invalid-utf8", DingTalkWire.Encrypt([0x7B, 0xFF, 0xFE, 0x7D], FuzzTarget.DingTalkAesKey, appKey));
        yield return ("encrypt-huge", DingTalkWire.Encrypt(new byte[150_000], FuzzTarget.DingTalkAesKey, appKey));
    }

    private static IEnumerable<string> BadEventQueries()
    {
        yield return "signature=&timestamp=&nonce=";
        yield return "msg_signature=deadbeef&timestamp=1&nonce=n";
        yield return "signature=%FF%FE&timestamp=%00&nonce=%E5%90%8D";
        // Long, yet within Kestrel's 8 KB request line (beyond it Kestrel answers 414 before the Hub runs).
        yield return "msg_signature=" + new string('a', 3000) + "&timestamp=1&nonce=" + new string('n', 3000);
        yield return "signature=a&signature=b&timestamp=1&timestamp=2&nonce=x&nonce=y";
        yield return "timestamp=-1&nonce=";
        yield return "msg_signature=%C3%A9%C3%A9&signature=x";
    }

    /// <summary>Signs the query as the event subscription does; <paramref name="encrypt"/> first wraps the body as <c>{"encrypt"}</c>.</summary>
    private static void SignEvent(HttpRequestMessage request, byte[] body, string appKey, string aesKey, string token, bool encrypt)
    {
        var value = encrypt ? DingTalkWire.Encrypt(body, aesKey, appKey) : ReadEncrypt(body);
        if (encrypt)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { encrypt = value })));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        }

        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N")[..8];
        var query = $"msg_signature={DingTalkWire.Signature(token, timestamp, nonce, value)}&timestamp={timestamp}&nonce={nonce}";
        request.RequestUri = new Uri(request.RequestUri!.OriginalString + (request.RequestUri.OriginalString.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query, UriKind.Relative);
    }

    private static string ReadEncrypt(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("encrypt").GetString()!;
    }

    private static FuzzRequest DingTalk(FuzzRoute route, string path, FuzzBody body, string description, Action<HttpRequestMessage, byte[]> sign) =>
        new(route.Pattern, $"POST {path[..Math.Min(path.Length, 120)]} {description}", body.Bytes.Length, () =>
        {
            var bytes = Fresh(body.Bytes);
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType ?? "application/json");
            sign(request, bytes);
            return request;
        });

    private static FuzzRequest Feishu(FuzzRoute route, string path, FuzzBody body, string description, string? encryptKey, string? legacyToken, bool encrypt) =>
        new(route.Pattern, $"POST {path} {description}", body.Bytes.Length, () =>
        {
            var plaintext = Fresh(body.Bytes);
            var bytes = encrypt && encryptKey is not null
                ? Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { encrypt = FeishuWire.Encrypt(plaintext, encryptKey) }))
                : plaintext;
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType ?? "application/json");
            if (encryptKey is not null)
            {
                FeishuWire.Sign(request, bytes, encryptKey, legacyToken);
            }

            return request;
        });

    private static FuzzRequest Request(FuzzRoute route, string method, string path, FuzzCaller caller, FuzzTarget target, FuzzBody? body, string description) =>
        new(route.Pattern, $"{method} {path[..Math.Min(path.Length, 120)]} [{caller}] {description}", body?.Bytes.Length ?? 0, () =>
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(Fresh(body.Bytes));
                if (body.ContentType is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType);
                }
            }

            target.Authorize(request, caller);
            return request;
        });

    /// <summary>The bytes with every <see cref="FuzzSamples.FreshId"/> replaced by a new id of the same length.</summary>
    private static byte[] Fresh(byte[] bytes)
    {
        var marker = Encoding.ASCII.GetBytes(FuzzSamples.FreshId);
        var copy = (byte[])bytes.Clone();
        var id = Encoding.ASCII.GetBytes(Guid.NewGuid().ToString("N"));
        for (var at = copy.AsSpan().IndexOf(marker); at >= 0;)
        {
            id.CopyTo(copy, at);
            var next = copy.AsSpan(at + marker.Length).IndexOf(marker);
            at = next < 0 ? -1 : at + marker.Length + next;
        }

        return copy;
    }

    private static IEnumerable<T> Sample<T>(List<T> items, int max, Random random) =>
        items.Count <= max ? items : items.OrderBy(_ => random.Next()).Take(max);

    [GeneratedRegex("""<form(?<attrs>[^>]*)>(?<body>.*?)</form>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex(""""\baction="([^"]*)"""", RegexOptions.IgnoreCase)]
    private static partial Regex ActionPattern();

    [GeneratedRegex(""""<(?:input|textarea|select)[^>]*\bname="([^"]+)"""", RegexOptions.IgnoreCase)]
    private static partial Regex FieldPattern();
}
