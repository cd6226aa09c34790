using HaloIlertGateway.Security;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.Admin;

/// <summary>
/// The management identities checked on start, beside <see cref="ManagementOptions"/>' own rules (the options
/// validation reports the failures of both together): names, roles, tokens read and compared, trusted proxies.
/// </summary>
internal sealed class ManagementIdentitiesValidation(SecretStore secrets) : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var errors = new List<string>();
        ManagementIdentityReader.Read(options, secrets, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
