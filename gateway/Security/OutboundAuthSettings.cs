using System.ComponentModel.DataAnnotations;

namespace HaloIlertGateway.Security;

/// <summary>
/// Every credential of <c>Gateway:OutboundAuth</c>, by name, each checked by its own rules: one validation reports the
/// problems of all of them together, each with its name. Whether each client secret resolves is checked beside this
/// (<see cref="OutboundAuthSecretsValidation"/>).
/// </summary>
public sealed class OutboundAuthSettings : IValidatableObject
{
    /// <summary>The credentials by name (any case, as configuration keys are).</summary>
    public Dictionary<string, OutboundAuthOptions> Named { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, options) in Named)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"{OutboundAuthOptions.SectionName}:{name}: {result.ErrorMessage}", result.MemberNames);
            }
        }
    }
}
