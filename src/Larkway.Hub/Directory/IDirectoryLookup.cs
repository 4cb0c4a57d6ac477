namespace Larkway.Hub.Directory;

/// <summary>
/// What other rooms ask the directory (the notifications' email resolution): the open_id, under one app, of the active
/// person an email or enterprise email names — enterprise addresses included, which Feishu's <c>batch_get_id</c> refuses.
/// </summary>
internal interface IDirectoryLookup
{
    /// <summary>The open_id under <paramref name="app"/> of each address the directory can answer for (active people with an open_id of that app); the rest are left out.</summary>
    Task<IReadOnlyDictionary<string, string>> ActiveOpenIdsByEmailAsync(string app, IReadOnlyCollection<string> emails, CancellationToken cancellationToken);

    /// <summary>Links an open_id Feishu gave <paramref name="app"/> for <paramref name="email"/> to the one active person with that address, so the next lookup answers from the directory.</summary>
    Task<bool> LinkByEmailAsync(string app, string email, string openId, CancellationToken cancellationToken);
}
