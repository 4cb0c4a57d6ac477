using Larkway.Hub.AdminConsole;
using Larkway.Hub.Apps;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>The console's account settings for WeCom's customer-service accounts: <see cref="KfAccountSettings"/>, the API's rules.</summary>
internal sealed class KfConsoleAccounts(KfAccountSettings settings, HubAppRegistry apps) : ICustomerServiceAccounts
{
    /// <inheritdoc />
    public string AuditPrefix => "wecom.kf_account";

    /// <inheritdoc />
    public string AccountIdHelp => "the account's open_kfid (wk…): WeCom's admin console → 应用管理 → 微信客服, or kf/account/list";

    /// <inheritdoc />
    public CustomerServiceAccountSettings Defaults { get; } = new(true, null, null, null, KfAccountSettings.DefaultHandoverWords, null, null, 0);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> AppsAsync(CancellationToken cancellationToken) =>
        [.. (await apps.AllAsync(cancellationToken).ConfigureAwait(false)).Where(a => HubAppPlatform.IsWeCom(a.Platform)).Select(a => a.Name).Order(StringComparer.Ordinal)];

    /// <inheritdoc />
    public async Task<CustomerServiceAccountSettings?> SettingsAsync(string app, string account, CancellationToken cancellationToken) =>
        await settings.GetAsync(app, account, cancellationToken).ConfigureAwait(false) is { } a
            ? new(a.Enabled, a.WelcomeMessage, a.EndMessage, a.HandoverMessage, a.HandoverWords, a.HandoverTo, a.HandoverButton, a.HandoverAfterAnswers)
            : null;

    /// <inheritdoc />
    public async Task<IReadOnlyList<(string Field, string Message)>> SaveAsync(string app, string account, CustomerServiceAccountSettings given, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(given);

        // Every field is sent: an empty text clears it, as "" does in the API.
        var input = new KfAccountInput
        {
            Enabled = given.Enabled,
            WelcomeMessage = given.WelcomeMessage ?? "",
            EndMessage = given.EndMessage ?? "",
            HandoverMessage = given.HandoverMessage ?? "",
            HandoverWords = [.. given.HandoverWords],
            HandoverTo = given.HandoverTo ?? "",
            HandoverButton = given.HandoverButton ?? "",
            HandoverAfterAnswers = given.HandoverAfterAnswers,
        };
        var (_, _, problems) = await settings.PutAsync(app, account, input, cancellationToken).ConfigureAwait(false);
        return [.. problems.Select(p => (p.Field, p.Message))];
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string app, string account, CancellationToken cancellationToken) => settings.DeleteAsync(app, account, cancellationToken);
}
