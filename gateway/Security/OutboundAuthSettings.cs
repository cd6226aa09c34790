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
            // Each property's attributes, then the options' own rules, all of them: Validator.TryValidateObject would
            // skip the rules when an attribute fails, and leave half the problems for the next start.
            var results = new List<ValidationResult>();
            foreach (var property in typeof(OutboundAuthOptions).GetProperties())
            {
                Validator.TryValidateProperty(property.GetValue(options), new ValidationContext(options) { MemberName = property.Name }, results);
            }

            results.AddRange(options.Validate(new ValidationContext(options)));
            foreach (var result in results)
            {
                yield return new ValidationResult($"{OutboundAuthOptions.SectionName}:{name}: {result.ErrorMessage}", result.MemberNames);
            }
        }
    }
}
