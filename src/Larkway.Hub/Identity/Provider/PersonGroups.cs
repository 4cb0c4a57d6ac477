namespace Larkway.Hub.Identity.Provider;

/// <summary>
/// A person's groups for the <c>groups</c> claim: the departments they belong to (open_department_ids).
/// </summary>
/// <remarks>
/// PENDING THE DIRECTORY ROOM: departments are not in the directory yet (the directory sync brings them). Until then
/// every person has no groups, so a client limited to departments admits nobody by department. Fill this one method
/// from the directory once it keeps departments.
/// </remarks>
internal sealed class PersonGroups
{
    /// <summary>The person's department ids; none until the directory keeps departments.</summary>
    public Task<IReadOnlyList<string>> OfAsync(string personId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        return Task.FromResult<IReadOnlyList<string>>([]);
    }
}
