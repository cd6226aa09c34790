namespace HaloIlertGateway.Admin;

/// <summary>
/// A named management identity, <c>Gateway:Management:Users:&lt;name&gt;</c>. The name (letters, digits and
/// <c>. _ @ -</c>, up to 64 characters, starting with a letter or digit) is what a version's author and the audit
/// trail say.
/// </summary>
public sealed class ManagementUserOptions
{
    /// <summary>
    /// The user's bearer token: the token itself, or where it lives, <c>env:NAME</c> or <c>file:/path</c> (read once, at
    /// start). At least 16 characters, and no other identity's token. Without one, the user signs in only through a
    /// trusted proxy (<see cref="ManagementOptions.TrustedProxies"/>). Default: none.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>What the user may do: <c>read</c>, <c>operate</c>, <c>edit</c> or <c>admin</c> (<see cref="ManagementRole"/>). Required.</summary>
    public string? Role { get; set; }

    /// <summary>
    /// The address a trusted proxy names in <c>X-Forwarded-Email</c> (or <c>X-Forwarded-User</c>) for this user, compared
    /// in any case; the proxy may also name the user by <c>X-Forwarded-User</c>. Default: none.
    /// </summary>
    public string? Email { get; set; }
}
