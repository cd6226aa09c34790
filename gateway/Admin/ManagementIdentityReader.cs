using System.Text.RegularExpressions;
using HaloIlertGateway.Http;
using HaloIlertGateway.Security;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Reads <see cref="ManagementOptions"/> into <see cref="ManagementIdentities"/>: the shorthand <c>Token</c> (a user
/// named <c>admin</c>, role admin), <c>ReadToken</c> (the identity <c>probe</c>, no role: it opens the probes only),
/// each of <c>Users</c> with its token read (a reference through the <see cref="SecretStore"/>, which masks every
/// token in the logs from then on), and the trusted proxies. Every mistake is said in <c>errors</c>, all of them, with
/// the setting at fault and never a token's value; an entry with a mistake signs no one in.
/// </summary>
internal static partial class ManagementIdentityReader
{
    public const string AdminName = "admin";
    public const string ProbeName = "probe";
    public const int MinTokenLength = 16;

    private const string Section = ManagementOptions.SectionName;

    public static ManagementIdentities Read(ManagementOptions options, SecretStore secrets, ICollection<string> errors)
    {
        var tokens = new List<(string Setting, string Name, ManagementRole? Role, string Token)>();
        var people = new List<(string Name, string? Email, ManagementRole Role)>();
        // The shorthands' own rules (length, no reference) are ManagementOptions' data annotations and Validate.
        if (options.Token is { Length: >= MinTokenLength } admin)
        {
            secrets.Remember(admin);
            tokens.Add(($"{Section}:Token", AdminName, ManagementRole.Admin, admin));
        }

        if (options.ReadToken is { Length: >= MinTokenLength } probe)
        {
            secrets.Remember(probe);
            tokens.Add(($"{Section}:ReadToken", ProbeName, null, probe));
        }

        foreach (var (name, user) in options.Users.OrderBy(user => user.Key, StringComparer.OrdinalIgnoreCase))
        {
            var setting = $"{Section}:Users:{name}";
            var valid = CheckName(name, setting, options, errors);
            if (!ManagementRoleNames.TryParse(user.Role, out var role))
            {
                errors.Add(user.Role is null
                    ? $"{setting}:Role is missing: give the user one of {ManagementRoleNames.Choices}."
                    : $"{setting}:Role: '{user.Role}' is not a role; the roles are {ManagementRoleNames.Choices}.");
                valid = false;
            }

            if (user.Email is { } email && (email.Trim().Length == 0 || !email.Contains('@', StringComparison.Ordinal)))
            {
                errors.Add($"{setting}:Email: '{email}' is not an email address.");
                valid = false;
            }

            var token = user.Token is null ? null : ReadToken(user.Token, $"{setting}:Token", secrets, errors);
            if (user.Token is null && options.TrustedProxies.Count == 0)
            {
                errors.Add($"{setting} has no Token, and without {Section}:TrustedProxies nothing else signs the user in: give it a Token (the token itself, env:NAME or file:/path).");
                valid = false;
            }

            if (!valid || (user.Token is not null && token is null))
            {
                continue;
            }

            people.Add((name, user.Email?.Trim(), role));
            if (token is not null)
            {
                tokens.Add(($"{setting}:Token", name, role, token));
            }
        }

        foreach (var group in people.Where(p => p.Email is not null).GroupBy(p => p.Email, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"{string.Join(" and ", group.Select(p => $"{Section}:Users:{p.Name}:Email"))} name the same address: a proxy's word for it would sign in as either.");
        }

        foreach (var group in tokens.GroupBy(t => t.Token, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"{string.Join(" and ", group.Select(t => t.Setting))} are the same token: every identity needs its own (the token is not shown).");
        }

        ManagementRole? proxyUsersRole = null;
        if (options.ProxyUsersRole is { } proxyRole)
        {
            if (ManagementRoleNames.TryParse(proxyRole, out var parsed))
            {
                proxyUsersRole = parsed;
            }
            else
            {
                errors.Add($"{Section}:ProxyUsersRole: '{proxyRole}' is not a role; the roles are {ManagementRoleNames.Choices}.");
            }

            if (options.TrustedProxies.Count == 0)
            {
                errors.Add($"{Section}:ProxyUsersRole is set, but no {Section}:TrustedProxies are: set the proxies' addresses, or remove it.");
            }
        }

        var proxies = AddressRanges.Parse(options.TrustedProxies, $"{Section}:TrustedProxies", errors);
        return new ManagementIdentities(
            options.SignInRequired, [.. tokens.Select(t => (t.Name, t.Role, ManagementIdentities.Digest(t.Token)))], people, proxyUsersRole, proxies);
    }

    private static bool CheckName(string name, string setting, ManagementOptions options, ICollection<string> errors)
    {
        string? taken = name.ToLowerInvariant() switch
        {
            ManagementActor.Local => "is the name of whoever uses a management port that takes no sign-in",
            Versions.VersionOrigin.FilesAuthor => "is the author of the versions read from the scripts folder",
            AdminName when options.Token is not null => $"is the user {Section}:Token signs in as: name this user otherwise, or remove Token",
            ProbeName when options.ReadToken is not null => $"is the identity {Section}:ReadToken signs in as: name this user otherwise",
            _ => null,
        };
        if (!UserName().IsMatch(name))
        {
            errors.Add($"{setting}: '{name}' is not a user name: letters, digits and . _ @ -, up to 64 characters, starting with a letter or a digit.");
            return false;
        }

        if (taken is not null)
        {
            errors.Add($"{setting}: the name '{name}' {taken}.");
            return false;
        }

        return true;
    }

    /// <summary>A user's token: a reference read through <paramref name="secrets"/>, else the token itself; null when it is not fit to sign in with.</summary>
    private static string? ReadToken(string configured, string setting, SecretStore secrets, ICollection<string> errors)
    {
        string? token;
        if (SecretReference.TryParse(configured, out var reference))
        {
            token = secrets.Read(reference!);
            if (token is null)
            {
                errors.Add(reference!.Kind == SecretReference.SourceKind.Environment
                    ? $"{setting} is {reference}, and the environment variable {reference.Name} is not set (or empty)."
                    : $"{setting} is {reference}, and the file {reference.Name} is missing (or empty).");
                return null;
            }
        }
        else
        {
            token = configured.Trim();
        }

        if (token.Length < MinTokenLength)
        {
            errors.Add($"{setting} is shorter than {MinTokenLength} characters{(reference is null ? string.Empty : $" (as read from {reference})")}: a token needs at least {MinTokenLength}.");
            return null;
        }

        // Masked in every log from now on (a value read through the store already is).
        secrets.Remember(token);
        return token;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex UserName();
}
