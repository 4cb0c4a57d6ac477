using Larkway.Hub.Apps;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The people of an approval on its platform: a request's applicant and approvers — named by email, by directory person,
/// or by the platform's own id — resolved to the id the platform's tasks name them by, and that id back to the directory
/// person for answers and callbacks. Emails are asked of the platform first (where it looks people up by email), then of
/// the directory; a person_id needs the directory (a Hub without one refuses it with what to send instead).
/// </summary>
internal sealed class ApprovalPeople(IServiceProvider services)
{
    private PeopleStore? People => services.GetService<PeopleStore>();

    private PersonLinkStore? Links => services.GetService<PersonLinkStore>();

    /// <summary>The directory's name of <paramref name="personId"/>, for cards; null without a directory or a person.</summary>
    public async Task<string?> NameOfAsync(string? personId, CancellationToken cancellationToken) =>
        personId is not null && People is { } people && await people.FindAsync(personId, cancellationToken).ConfigureAwait(false) is { Name.Length: > 0 } person
            ? person.Name
            : null;

    /// <summary>
    /// Resolves every person of a request at once: each named person's <see cref="ApprovalPerson.UserId"/> set (or a
    /// problem at their place), and the applicant's directory person. <paramref name="applicantPath"/> names the
    /// applicant's field in problems.
    /// </summary>
    public async Task<ResolvedPeople> ResolveAsync(
        ApprovalPlatform platform, string? app, ApprovalPerson applicant, IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? approvers,
        List<ApprovalProblem> problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(applicant);
        ArgumentNullException.ThrowIfNull(problems);
        var everyone = (approvers ?? new Dictionary<string, IReadOnlyList<ApprovalPerson>>()).Values.SelectMany(p => p).Append(applicant).ToList();
        var found = await FindAsync(platform, app ?? "", everyone, cancellationToken).ConfigureAwait(false);

        var resolvedApplicant = Resolve(platform, applicant, $"applicant.{applicant.Type}", found, problems);
        Dictionary<string, IReadOnlyList<ApprovalPerson>>? resolved = null;
        if (approvers is not null)
        {
            resolved = new(StringComparer.Ordinal);
            foreach (var (node, people) in approvers)
            {
                var list = new List<ApprovalPerson>();
                for (var i = 0; i < people.Count; i++)
                {
                    if (Resolve(platform, people[i], $"approvers.{node}[{i}]", found, problems) is { } person)
                    {
                        list.Add(person);
                    }
                }

                resolved[node] = list;
            }
        }

        var personId = applicant.Type == "person_id" ? applicant.Value
            : found.Persons.GetValueOrDefault((applicant.Type, applicant.Value))
            ?? (resolvedApplicant?.UserId is { } userId ? await PersonOfAsync(platform.Name, app, userId, cancellationToken).ConfigureAwait(false) : null);
        return new(resolvedApplicant, resolved, personId);
    }

    /// <summary>The directory person whose account on <paramref name="platform"/> under <paramref name="app"/> is <paramref name="userId"/>, or null.</summary>
    public async Task<string?> PersonOfAsync(string platform, string? app, string userId, CancellationToken cancellationToken) =>
        (await PersonsOfAsync(platform, app, [userId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(userId);

    /// <summary>
    /// The directory persons of many accounts on <paramref name="platform"/> under <paramref name="app"/>, by user id, in
    /// <see cref="AccountPeople.PersonOfAsync"/>'s order — the account's link, else the directory's own id under the app —
    /// in two queries whatever the count, and without its matching by the platform's contacts: reading an approval never
    /// calls a platform or links anyone.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> PersonsOfAsync(string platform, string? app, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var stored = HubAppService.NameInStore(app ?? "");
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Links is { } links)
        {
            foreach (var (userId, person) in await links.PersonsOfAsync(platform, stored, userIds, cancellationToken).ConfigureAwait(false))
            {
                found[userId] = person;
            }
        }

        var rest = userIds.Where(u => !found.ContainsKey(u)).ToList();
        if (rest.Count > 0 && People is { } people)
        {
            foreach (var (userId, person) in await people.PersonIdsByOpenIdsAsync(stored, rest, cancellationToken).ConfigureAwait(false))
            {
                found[userId] = person;
            }
        }

        return found;
    }

    /// <summary>Each person's id on the platform, and their directory person, looked up in as few calls as the sources allow.</summary>
    private async Task<Found> FindAsync(ApprovalPlatform platform, string app, IReadOnlyList<ApprovalPerson> everyone, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<(string Type, string Value), string?>();
        var persons = new Dictionary<(string Type, string Value), string?>();
        var emails = everyone.Where(p => p.Type == "email").Select(p => p.Value).Distinct(StringComparer.Ordinal).ToList();
        if (emails.Count > 0)
        {
            var byPlatform = await platform.Piece.FindByEmailAsync(app, emails, cancellationToken).ConfigureAwait(false);
            var directory = Links is { } links ? await links.ActivePeopleByEmailsAsync(emails, cancellationToken).ConfigureAwait(false) : new Dictionary<string, PersonRow>();
            var accounts = await AccountsAsync(platform.Name, app, [.. directory.Values.Select(p => p.Id)], cancellationToken).ConfigureAwait(false);
            foreach (var email in emails)
            {
                var person = directory.GetValueOrDefault(email);
                persons[("email", email)] = person?.Id;
                ids[("email", email)] = byPlatform.GetValueOrDefault(email) ?? (person is null ? null : accounts.GetValueOrDefault(person.Id));
            }
        }

        var personIds = everyone.Where(p => p.Type == "person_id").Select(p => p.Value).Distinct(StringComparer.Ordinal).ToList();
        if (personIds.Count > 0 && People is { } people)
        {
            var rows = await people.FindManyAsync(personIds, cancellationToken).ConfigureAwait(false);
            var active = rows.Values.Where(p => p.Status == PersonStatus.Active).Select(p => p.Id).ToList();
            var accounts = await AccountsAsync(platform.Name, app, active, cancellationToken).ConfigureAwait(false);
            foreach (var id in personIds)
            {
                persons[("person_id", id)] = rows.ContainsKey(id) ? id : null;
                ids[("person_id", id)] = accounts.GetValueOrDefault(id);
            }
        }

        return new(ids, persons, People is not null);
    }

    /// <summary>The people's ids under the app: the directory's own (synced from that app), else a link on the platform.</summary>
    private async Task<Dictionary<string, string>> AccountsAsync(string platform, string app, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken)
    {
        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (personIds.Count == 0 || Links is not { } links)
        {
            return accounts;
        }

        var synced = await links.DirectoryIdsAsync(personIds, cancellationToken).ConfigureAwait(false);
        var linked = await links.LinksAsync(personIds, cancellationToken).ConfigureAwait(false);
        foreach (var id in personIds)
        {
            if ((synced.GetValueOrDefault((id, HubAppService.NameInStore(app))) ?? linked[id].FirstOrDefault(l => l.Platform == platform && l.App == app)?.UserId) is { } account)
            {
                accounts[id] = account;
            }
        }

        return accounts;
    }

    private static ApprovalPerson? Resolve(ApprovalPlatform platform, ApprovalPerson person, string path, Found found, List<ApprovalProblem> problems)
    {
        switch (person.Type)
        {
            case "email" or "person_id" when found.Ids.GetValueOrDefault((person.Type, person.Value)) is { } userId:
                return person with { UserId = userId };
            case "email":
                problems.Add(new(path, $"No active {platform.Display} user has the email '{person.Value}' that the app can see, and no directory person with it has an account there."));
                return null;
            case "person_id" when !found.HasDirectory:
                problems.Add(new(path, "This Hub keeps no directory, so people cannot be named by person_id: name them by email or user_id."));
                return null;
            case "person_id":
                problems.Add(new(path, found.Persons.GetValueOrDefault((person.Type, person.Value)) is null
                    ? $"No active directory person '{person.Value}' (GET /api/v1/people lists them)."
                    : $"The person '{person.Value}' has no {platform.Display} account the app can reach: sync the directory from this app, or link their account."));
                return null;
            default:
                if (!platform.Piece.PersonIdTypes.Contains(person.Type, StringComparer.Ordinal))
                {
                    problems.Add(new(path, $"{platform.Display} does not name people by {person.Type}: use email, person_id or {string.Join(" or ", platform.Piece.PersonIdTypes)}."));
                    return null;
                }

                // The id tasks name people by is taken as it is; another of the platform's ids is sent as named.
                return person.Type == platform.Piece.PersonIdTypes[0] ? person with { UserId = person.Value } : person;
        }
    }

    /// <summary>What the lookups found: ids on the platform and directory persons, by how the request named each person.</summary>
    private sealed record Found(
        IReadOnlyDictionary<(string Type, string Value), string?> Ids,
        IReadOnlyDictionary<(string Type, string Value), string?> Persons,
        bool HasDirectory);
}

/// <summary>A request's people resolved: the applicant (null when they could not be), the approvers, the applicant's directory person.</summary>
internal sealed record ResolvedPeople(ApprovalPerson? Applicant, IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? Approvers, string? ApplicantPersonId);
