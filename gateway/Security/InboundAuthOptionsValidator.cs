using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Security;

/// <summary>Every inbound check names at least one secret, each a valid reference that resolves now; all problems reported together.</summary>
internal sealed class InboundAuthOptionsValidator(CredentialRules rules) : IValidateOptions<InboundAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, InboundAuthOptions options)
    {
        var where = $"{InboundAuthOptions.SectionName}:{name}";
        var failures = new List<string>();
        if (options.Secrets.Count == 0)
        {
            failures.Add($"{where}: Secrets lists no secret (give env:NAME or file:/path references).");
        }

        failures.AddRange(options.Secrets.Select(reference => rules.DescribeUnusableSecret(reference) is { } problem ? $"{where}: {problem}" : null).OfType<string>());
        if (options.Kind == InboundAuthKind.ApiKey && string.IsNullOrWhiteSpace(options.Header))
        {
            failures.Add($"{where}: Header is empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
