using System.Diagnostics.CodeAnalysis;

namespace HaloIlertGateway.Security;

/// <summary>
/// What <see cref="SignatureCheck.Verify"/> found: the body was signed with one of the secrets, or it was not and
/// <see cref="Reason"/> says why (naming headers and rules, never a secret or the expected value).
/// </summary>
internal sealed class SignatureVerdict
{
    private SignatureVerdict(string? reason) => Reason = reason;

    public static SignatureVerdict Valid { get; } = new(null);

    /// <summary>Why the request fails the check; null when <see cref="IsValid"/>.</summary>
    public string? Reason { get; }

    [MemberNotNullWhen(false, nameof(Reason))]
    public bool IsValid => Reason is null;

    public static SignatureVerdict Invalid(string reason) => new(reason);

    public override string ToString() => Reason ?? "valid";
}
