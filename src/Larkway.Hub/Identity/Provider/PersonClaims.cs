using Larkway.Hub.Directory;

namespace Larkway.Hub.Identity.Provider;

/// <summary>
/// The claims about a person the broker releases, by scope, and the email policy. Feishu's emails are typed in by
/// administrators and never verified, so <c>email_verified</c> is true only for an address in one of the company's own
/// domains (<see cref="IdentityOptions.VerifiedEmailDomains"/>): the enterprise mailbox is preferred, then the other
/// address, an in-domain address before any other.
/// </summary>
internal static class PersonClaims
{
    /// <summary>The email to release and whether it counts as verified.</summary>
    public static (string? Email, bool Verified) Email(PersonRow person, IEnumerable<string> verifiedDomains)
    {
        ArgumentNullException.ThrowIfNull(person);
        var domains = verifiedDomains.Select(d => d.Trim()).Where(d => d.Length > 0).ToList();
        string?[] candidates = [person.EnterpriseEmail, person.Email];
        var present = candidates.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e!.Trim()).ToList();
        foreach (var email in present)
        {
            if (InDomains(email, domains))
            {
                return (email, true);
            }
        }

        return (present.FirstOrDefault(), false);
    }

    /// <summary>Whether <paramref name="email"/>'s domain is exactly one of <paramref name="domains"/> (case-insensitive).</summary>
    public static bool InDomains(string email, IReadOnlyCollection<string> domains)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1 || email.IndexOf('@') != at)
        {
            return false;
        }

        var domain = email[(at + 1)..];
        return domains.Any(d => string.Equals(d, domain, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The user claims <paramref name="scope"/> releases (for the id_token and the userinfo answer).</summary>
    public static Dictionary<string, object> For(PersonRow person, IReadOnlyList<string> groups, string scope, IdentityOptions options)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { ["sub"] = person.Id };
        var (email, verified) = Email(person, options.VerifiedEmailDomains);
        if (IdentityScopes.Has(scope, IdentityScopes.Profile))
        {
            claims["name"] = person.Name;
            claims["preferred_username"] = email ?? person.Name;
            if (!string.IsNullOrEmpty(person.AvatarUrl))
            {
                claims["picture"] = person.AvatarUrl;
            }

            if (!string.IsNullOrEmpty(person.EmployeeNo))
            {
                claims["employee_no"] = person.EmployeeNo;
            }
        }

        if (IdentityScopes.Has(scope, IdentityScopes.Email) && email is not null)
        {
            claims["email"] = email;
            claims["email_verified"] = verified;
        }

        if (IdentityScopes.Has(scope, IdentityScopes.Groups))
        {
            claims["groups"] = groups.ToArray();
        }

        return claims;
    }
}
