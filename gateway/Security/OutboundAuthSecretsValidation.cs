using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Security;

/// <summary>
/// Each outbound credential's client secret read on start, beside <see cref="OutboundAuthSettings"/>' own rules (the
/// options validation reports the failures of both together): a secret that is not set stops the start with its name.
/// </summary>
internal sealed class OutboundAuthSecretsValidation(CredentialRules rules) : IValidateOptions<OutboundAuthSettings>
{
    public ValidateOptionsResult Validate(string? name, OutboundAuthSettings options)
    {
        var errors = options.Named
            .Where(pair => SecretReference.TryParse(pair.Value.ClientSecret, out _))
            .Select(pair => rules.DescribeUnusableSecret(pair.Value.ClientSecret) is { } problem ? $"{OutboundAuthOptions.SectionName}:{pair.Key}: ClientSecret: {problem}" : null)
            .OfType<string>()
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
