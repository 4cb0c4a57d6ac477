using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Seed;

/// <summary>Builds the initial <see cref="EmulatorState"/> from a seed file or the default tenant.</summary>
public static class SeedLoader
{
    public static EmulatorState Load(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Apply(Document(options), options);
    }

    /// <summary>The seed the options name: the file, or the default tenant.</summary>
    public static SeedDocument Document(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.SeedFile is null ? DefaultSeed.Create() : Read(options.SeedFile);
    }

    public static SeedDocument Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<SeedDocument>(File.ReadAllText(path), EmulatorJson.Options)
                ?? throw new InvalidDataException($"Seed file '{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Seed file '{path}' is not valid: {e.Message}", e);
        }
    }

    /// <summary>
    /// Applies a seed. Seeded apps win over the options' app; the options' app is added when the
    /// seed does not define it, so the configured credentials always work.
    /// </summary>
    public static EmulatorState Apply(SeedDocument seed, EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(options);
        var tenantName = seed.Tenant?.Name ?? "Larkway Dev";
        var state = new EmulatorState(new EmulatorTenant(seed.Tenant?.TenantKey ?? Ids.Stable(string.Empty, "tenant:" + tenantName, 16), tenantName), options.TimeProvider);

        // The seed's open_ids (given or derived) are the Emulator's own app's, whatever order the seed lists apps in.
        state.SetHomeApp(options.AppId);

        foreach (var department in seed.Departments ?? [])
        {
            var departmentId = department.DepartmentId ?? Ids.Slug(department.Name);
            state.AddDepartment(new EmulatorDepartment(
                department.OpenDepartmentId ?? Ids.OpenDepartmentId(departmentId),
                departmentId,
                department.Name,
                department.ParentDepartmentId ?? "0"));
        }

        foreach (var user in seed.Users ?? [])
        {
            var userId = user.UserId ?? user.Email?.Split('@')[0] ?? Ids.Slug(user.Name);
            var departments = (user.Departments ?? []).Select(d => DepartmentOf(state, d)).ToList();
            var mobile = user.Mobile is null ? null
                : MobileNumbers.Normalize(user.Mobile) ?? throw new InvalidDataException($"Seed user '{user.Name}' has an invalid mobile '{user.Mobile}' (digits, optionally +country code).");
            if (mobile is not null && state.FindUser("mobile", mobile) is { } holder)
            {
                throw new InvalidDataException($"Seed users '{holder.Name}' and '{user.Name}' have the same mobile '{mobile}'.");
            }

            state.AddUser(new EmulatorUser(
                user.OpenId ?? Ids.HomeOpenId(userId),
                user.UnionId ?? Ids.HomeUnionId(userId),
                userId,
                user.Name,
                user.Email,
                departments,
                user.IsResigned)
            {
                Mobile = mobile,
                IsFrozen = user.IsFrozen,
                IsActivated = user.IsActivated,
                EnName = user.EnName,
                EnterpriseEmail = user.EnterpriseEmail,
                JobTitle = user.JobTitle,
                EmployeeNo = user.EmployeeNo,
                EmployeeType = user.EmployeeType is null or (>= 1 and <= 5) ? user.EmployeeType
                    : throw new InvalidDataException($"Seed user '{user.Name}' has employee_type {user.EmployeeType}; use 1 to 5."),
            });
        }

        foreach (var app in seed.Apps ?? [])
        {
            state.AddApp(new EmulatorApp(app.AppId, app.AppSecret, app.BotName ?? "Bot", app.BotOpenId ?? Ids.Stable("ou_", "bot:" + app.AppId), app.Disabled)
            {
                Developer = app.Developer,
                ContactScope = ScopeOf(state, app),
                ContactFieldScopes = app.ContactFieldScopes,
            });
            if (app.Events is { Mode: "long-connection" } longConnection)
            {
                state.SetEventSubscription(EventSubscription.LongConnection(app.AppId, longConnection.EncryptKey, longConnection.VerificationToken) with { ReceiveAllGroupMessages = longConnection.ReceiveAllGroupMessages });
            }
            else if (app.Events is { } events)
            {
                if (events.Mode is not (null or "http"))
                {
                    throw new InvalidDataException($"Seed app '{app.AppId}' has an unknown events.mode '{events.Mode}' (http or long-connection).");
                }

                if (!Uri.TryCreate(events.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    throw new InvalidDataException($"Seed app '{app.AppId}' has an invalid events.url '{events.Url}'.");
                }

                state.SetEventSubscription(new EventSubscription(app.AppId, events.Url!, events.EncryptKey, events.VerificationToken) { ReceiveAllGroupMessages = events.ReceiveAllGroupMessages });
            }

            if (app.Callback is { } callback)
            {
                foreach (var (name, value) in new[] { ("callback.url", callback.Url), ("callback.card_request_url", callback.CardRequestUrl) })
                {
                    if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
                    {
                        throw new InvalidDataException($"Seed app '{app.AppId}' has an invalid {name} '{value}'.");
                    }
                }

                if (callback.Url is null && callback.CardRequestUrl is null)
                {
                    throw new InvalidDataException($"Seed app '{app.AppId}' has a callback without url or card_request_url.");
                }

                state.SetCardCallback(new CardCallbackSettings(app.AppId, callback.Url, callback.CardRequestUrl)
                {
                    EncryptKey = callback.EncryptKey is { Length: > 0 } key ? key : null,
                    VerificationToken = callback.VerificationToken,
                });
            }
        }

        AddOptionsApp(state, options);

        var chats = seed.Chats ?? [];
        var now = state.NowMs();
        for (var i = 0; i < chats.Count; i++)
        {
            var chat = chats[i];
            var members = (chat.Members ?? []).Select(m => UserOf(state, m, $"chat '{chat.Name}'").OpenId).ToList();
            var owner = chat.Owner is null ? null : UserOf(state, chat.Owner, $"chat '{chat.Name}'").OpenId;
            if (owner is not null && !members.Contains(owner))
            {
                members.Add(owner);
            }

            var bots = (chat.Bots ?? [options.AppId]).Select(b => state.FindApp(b)?.AppId ?? throw new InvalidDataException($"Seed chat '{chat.Name}' names unknown bot '{b}'.")).ToList();
            state.AddChat(new EmulatorChat(
                chat.ChatId ?? Ids.Stable("oc_", "chat:" + chat.Name),
                chat.Name,
                chat.Description ?? string.Empty,
                ChatModes.Group,
                chat.ChatType ?? "private",
                [.. members.Distinct()],
                bots,
                now - (chats.Count - i))
            {
                OwnerOpenId = owner,
                OwnerAppId = owner is null ? bots.FirstOrDefault() : null,
            });
        }

        foreach (var hook in seed.Webhooks ?? [])
        {
            var chat = state.FindChat(hook.Chat) ?? state.Chats.FirstOrDefault(c => c.Name == hook.Chat)
                ?? throw new InvalidDataException($"Seed webhook '{hook.Name ?? "custom bot"}' names unknown chat '{hook.Chat}'.");
            state.AddWebhook(new CustomBotWebhook(hook.Token, chat.ChatId, hook.Name ?? "Custom Bot", hook.Secret, hook.Keywords ?? [], hook.IpAllowlist ?? []));
        }

        return state;
    }

    /// <summary>The options' app, unless the state has it already: the configured credentials always work.</summary>
    internal static void AddOptionsApp(EmulatorState state, EmulatorOptions options)
    {
        if (state.FindApp(options.AppId) is null)
        {
            state.AddApp(new EmulatorApp(options.AppId, options.AppSecret, options.BotName, Ids.Stable("ou_", "bot:" + options.AppId)));
        }
    }

    /// <summary>A seed app's contact scope with its references resolved; null (all members) when absent.</summary>
    private static ContactScope? ScopeOf(EmulatorState state, SeedApp app) => app.ContactScope is { AllMembers: false } scope
        ? new ContactScope(false, [.. (scope.Departments ?? []).Select(d => DepartmentOf(state, d))], [.. (scope.Users ?? []).Select(u => UserOf(state, u, "contact_scope of " + app.AppId).OpenId)])
        : null;

    private static string DepartmentOf(EmulatorState state, string reference) =>
        state.Departments.FirstOrDefault(d => d.DepartmentId == reference || d.OpenDepartmentId == reference)?.OpenDepartmentId
        ?? throw new InvalidDataException($"Seed names unknown department '{reference}'.");

    private static EmulatorUser UserOf(EmulatorState state, string reference, string where) =>
        state.FindUser("open_id", reference) ?? state.FindUser("user_id", reference) ?? state.FindUser("union_id", reference) ?? state.FindUser("email", reference)
        ?? throw new InvalidDataException($"Seed {where} names unknown user '{reference}'.");

}
