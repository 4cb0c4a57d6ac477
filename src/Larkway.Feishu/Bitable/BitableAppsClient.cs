using Larkway.Feishu.Http;

namespace Larkway.Feishu.Bitable;

/// <summary>Bases (<c>/open-apis/bitable/v1/apps</c>).</summary>
public class BitableAppsClient
{
    private readonly BitableCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected BitableAppsClient()
    {
    }

    internal BitableAppsClient(BitableCalls calls) => _calls = calls;

    /// <summary>
    /// Creates a base (<c>POST …/apps</c>; 20 a minute). Not retried: nothing makes a resend safe, and a second base
    /// would be made.
    /// </summary>
    /// <exception cref="ArgumentException">A name over 255 characters (nothing sent).</exception>
    public virtual async Task<BitableApp> CreateAsync(BitableAppCreate? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new BitableAppCreate();
        AppName(request.Name, nameof(request));
        var data = await _calls.SendAsync(
            _calls.Request(HttpMethod.Post, BitableCalls.Apps, BitableCalls.Apps, BitableTier.AppCreate,
                new AppCreateBody(request.Name, request.FolderToken, request.TimeZone), BitableJsonContext.Wire.AppCreateBody),
            BitableJsonContext.Wire.AppEnvelope, cancellationToken).ConfigureAwait(false);
        return App(data, "POST " + BitableCalls.Apps);
    }

    /// <summary>A base's metadata (<c>GET …/apps/{app_token}</c>): name, revision, time zone, advanced permissions.</summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableBaseNotFound"/>, <see cref="FeishuErrorCodes.BitableBaseCopying"/>.</exception>
    public virtual async Task<BitableApp> GetAsync(string appToken, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        var data = await _calls.SendAsync(
            _calls.Request(HttpMethod.Get, BitableCalls.Route(BitableCalls.App, appToken), BitableCalls.App, BitableTier.Read),
            BitableJsonContext.Wire.AppEnvelope, cancellationToken).ConfigureAwait(false);
        return App(data, "GET " + BitableCalls.App);
    }

    /// <summary>Renames a base and/or turns its advanced permissions on or off (<c>PUT …/apps/{app_token}</c>).</summary>
    /// <exception cref="ArgumentException">Nothing to change, or a name over 255 characters (nothing sent).</exception>
    public virtual async Task<BitableApp> UpdateAsync(string appToken, string? name = null, bool? isAdvanced = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        if (name is null && isAdvanced is null)
        {
            throw new ArgumentException("Give a new name or isAdvanced: there is nothing to update.", nameof(name));
        }

        AppName(name, nameof(name));
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Put, BitableCalls.Route(BitableCalls.App, appToken), BitableCalls.App, BitableTier.SchemaWrite,
                new AppUpdateBody(name, isAdvanced), BitableJsonContext.Wire.AppUpdateBody),
            BitableJsonContext.Wire.AppEnvelope, cancellationToken).ConfigureAwait(false);
        return App(data, "PUT " + BitableCalls.App);
    }

    /// <summary>
    /// Copies a base (<c>POST …/apps/{app_token}/copy</c>; 20 a minute). The copy is made in the background: calls on it
    /// answer <see cref="FeishuErrorCodes.BitableBaseCopying"/> until it is done. Not retried.
    /// </summary>
    public virtual async Task<BitableApp> CopyAsync(string appToken, BitableAppCopy? copy = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        copy ??= new BitableAppCopy();
        AppName(copy.Name, nameof(copy));
        const string Template = BitableCalls.App + "/copy";
        var data = await _calls.SendAsync(
            _calls.Request(HttpMethod.Post, BitableCalls.Route(Template, appToken), Template, BitableTier.AppCreate,
                new AppCopyBody(copy.Name, copy.FolderToken, copy.WithoutContent, copy.TimeZone), BitableJsonContext.Wire.AppCopyBody),
            BitableJsonContext.Wire.AppEnvelope, cancellationToken).ConfigureAwait(false);
        return App(data, "POST " + Template);
    }

    private static void AppName(string? name, string paramName)
    {
        if (name is { Length: > BitableLimits.MaxAppNameLength })
        {
            throw new ArgumentException($"The base name has {name.Length} characters; Feishu takes at most {BitableLimits.MaxAppNameLength}.", paramName);
        }
    }

    private static BitableApp App(AppData data, string call) => data.App is { AppToken: { Length: > 0 } } app ? app.ToModel()
        : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of {call} has no app.");
}
