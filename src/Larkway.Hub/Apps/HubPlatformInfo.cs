namespace Larkway.Hub.Apps;

/// <summary>The fields of an app that only some platforms have; a platform's <see cref="HubPlatformInfo.OwnFields"/> names its own.</summary>
[Flags]
public enum HubAppFields
{
    /// <summary>None beyond the common ones (app id, base URL, secret, keys).</summary>
    None = 0,

    /// <summary><c>robot_code</c>.</summary>
    RobotCode = 1,

    /// <summary><c>agent_id</c>.</summary>
    AgentId = 2,

    /// <summary><c>ai_bot_id</c>, <c>ai_bot_secret</c> and <c>ai_bot_url</c>.</summary>
    AiBot = 4,

    /// <summary><c>long_connection</c>: events and card callbacks over the platform's long connection instead of webhooks.</summary>
    LongConnection = 8,
}

/// <summary>One row of a platform's permission table: a scope (or setting) one feature needs, and why.</summary>
/// <param name="Feature">The feature that needs it.</param>
/// <param name="Scope">Its identifier in the platform's console.</param>
/// <param name="Title">Its name there.</param>
/// <param name="Reason">What in the Hub needs it.</param>
/// <param name="Confirmed">True when checked against the platform's reference; false means "verify in the console".</param>
public sealed record HubAppScopeRow(HubAppFeatures Feature, string Scope, string Title, string Reason, bool Confirmed);

/// <summary>How the console's app form names a platform's common fields and what it shows as examples.</summary>
/// <param name="AppId">The label of <c>app_id</c> (App ID, AppKey, Corp ID).</param>
/// <param name="AppSecret">The label of <c>app_secret</c>.</param>
/// <param name="EncryptKey">The label of <c>encrypt_key</c>.</param>
/// <param name="VerificationToken">The label of <c>verification_token</c>.</param>
/// <param name="BaseUrlPlaceholder">What the empty Base URL field suggests.</param>
public sealed record HubAppFormLabels(string AppId, string AppSecret, string EncryptKey, string VerificationToken, string BaseUrlPlaceholder)
{
    /// <summary>The common words, for an app of a platform whose room is not added.</summary>
    public static HubAppFormLabels Common { get; } = new("App ID", "App Secret", "Encrypt Key", "Verification Token", "https://…");
}

/// <summary>
/// One messaging platform as the Apps room knows it: its name, how its apps' fields are checked, its permission table,
/// its callback paths and how the console labels its fields. Each platform's room registers one
/// (<c>services.AddHubPlatform(new …HubPlatform())</c> in its <c>AddHub…</c>); shared code asks <see cref="HubPlatforms"/>
/// and never names a platform. Everything has a default but the name, the display name and the default base URL, so a
/// new platform states only what differs.
/// </summary>
public abstract class HubPlatformInfo
{
    /// <summary>Its name as stored in <c>hub_apps.platform</c> and sent on the wire (lowercase, e.g. <c>feishu</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Its name as people write it, for messages.</summary>
    public abstract string DisplayName { get; }

    /// <summary>What a new app's <c>base_url</c> is when the caller leaves it out.</summary>
    public abstract Uri DefaultBaseUrl { get; }

    /// <summary>
    /// Other names a caller may send as <c>platform</c>, each with the base URL a new app then gets (Feishu's <c>lark</c>
    /// stores a Feishu app on Lark's host). Stored under <see cref="Name"/>.
    /// </summary>
    public virtual IReadOnlyDictionary<string, Uri> Aliases { get; } = new Dictionary<string, Uri>(StringComparer.Ordinal);

    /// <summary>The words <c>base_url</c> accepts for this platform's apps, each with the URL it stands for (default: the name).</summary>
    public virtual IReadOnlyDictionary<string, Uri> BaseUrlWords => new Dictionary<string, Uri>(StringComparer.Ordinal) { [Name] = DefaultBaseUrl };

    /// <summary>The fields besides the common ones that this platform's apps have; the others are refused naming who has them.</summary>
    public virtual HubAppFields OwnFields => HubAppFields.None;

    /// <summary>An example of the platform's app id, for messages.</summary>
    public virtual string AppIdExample => "app-id";

    /// <summary>The problem when <c>app_id</c> is missing: where to find it.</summary>
    public virtual string AppIdRequired => $"Required: the app's id on {DisplayName}, e.g. {AppIdExample}.";

    /// <summary>The problem when <c>app_secret</c> is missing: where to find it.</summary>
    public virtual string AppSecretRequired => "Required: the app's App Secret (developer console → Credentials & Basic Info).";

    /// <summary>What <c>base_url</c> accepts, for the problem when it is not one of them.</summary>
    public virtual string BaseUrlRule =>
        $"{string.Join(", ", BaseUrlWords.Select(w => $"'{w.Key}' ({w.Value.GetLeftPart(UriPartial.Authority)})"))}, or an absolute http(s) URL without credentials, query or fragment, at most {HubAppValidation.MaxUrlLength} characters (e.g. the Emulator's).";

    /// <summary>The problem when <c>base_url</c> is the word of another platform (<paramref name="owner"/>).</summary>
    public virtual string ForeignBaseUrlWord(string word, HubPlatformInfo owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return $"'{word}' is for {owner.DisplayName} apps: set platform to it, or use {string.Join(", ", BaseUrlWords.Keys.Select(k => $"'{k}'"))} or an http(s) URL.";
    }

    /// <summary>
    /// Checks the platform's own fields (those of <see cref="OwnFields"/>, and its rules for the keys and AgentId), adding
    /// a problem for each thing wrong and setting the normalised values on <paramref name="check"/>.
    /// </summary>
    public virtual void Check(HubAppCheck check)
    {
    }

    /// <summary>The platform's permission table: what to enable in its console for each feature.</summary>
    public virtual IReadOnlyList<HubAppScopeRow> Scopes { get; } = [];

    /// <summary>What the Hub does with an app of the platform (default: notifications, look-ups and events; the bot too for the configured app).</summary>
    public virtual HubAppFeatures FeaturesOf(HubAppInfo app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var features = HubAppFeatures.Notifications | HubAppFeatures.EmailLookup | HubAppFeatures.Events;
        return app.ReadOnly ? features | HubAppFeatures.Bot : features;
    }

    /// <summary>The path on the Hub where the platform posts the app's events (default <c>/{name}/apps/{app}/callback</c>).</summary>
    public virtual string EventsPath(HubAppInfo app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return $"/{Name}/apps/{app.Name}/callback";
    }

    /// <summary>The path on the Hub where the platform posts the app's card clicks (default: its events path).</summary>
    public virtual string CardsPath(HubAppInfo app) => EventsPath(app);

    /// <summary>How the console's form labels the common fields for this platform.</summary>
    public virtual HubAppFormLabels FormLabels => new("App ID", "App Secret", "Encrypt Key", "Verification Token", $"{Name} or https://…");

    /// <summary>How the console's pages name the platform (its list's Platform column, the filters; default: <see cref="DisplayName"/>).</summary>
    public virtual string ConsoleName => DisplayName;

    /// <summary>What the console's add form suggests as a new app's name.</summary>
    public virtual string AppNameExample => "procurement";

    /// <summary>
    /// The Razor partial (app-relative path, in the room) with the console form's fields for this platform's apps, on the
    /// form's model; null: the console's common fields, labelled by <see cref="FormLabels"/>.
    /// </summary>
    public virtual string? ConsoleFormFields => null;

    /// <summary>The Razor partial (app-relative path, in the room) of the Apps list's "URLs for the developer console" cell; null: the console's Events URL and Card URL.</summary>
    public virtual string? ConsoleUrls => null;

    /// <summary>The problem when the console form's AgentId is not digits (platforms with <see cref="HubAppFields.AgentId"/>).</summary>
    public virtual string AgentIdDigitsOnly => "Digits only: the app's AgentId.";

    /// <summary>What the console says to do after an app is added or saved (its callback URL given), beyond "saved"; null: the default words.</summary>
    public virtual string? ConsoleSavedNote(string eventsUrl) => null;

    /// <summary>Whether the platform's apps may accept old-style card callbacks (a per-app switch on the console's form).</summary>
    public virtual bool HasLegacyCardCallbacks => false;

    /// <summary>Whether the console's person page offers to link a person to this platform's apps by hand (platforms without a directory sync).</summary>
    public virtual bool LinksPeopleByHand => true;
}
