using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace HaloIlertGateway.Hosting;

/// <summary>
/// A <see cref="TimeSpan"/> setting's range, with the same message as <c>[TimeSpanRange(min, max)]</c>.
/// </summary>
/// <remarks>
/// <see cref="RangeAttribute"/> parses string limits on first use and writes them back into the instance that
/// validation shares between threads, so two hosts validating at once can read a limit half converted
/// (<see cref="InvalidCastException"/> from <c>SetupConversion</c>, seen in the test suite). These limits are parsed
/// once, in the constructor, and never change.
/// </remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute("The field {0} must be between {1} and {2}.")
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override bool IsValid(object? value) => value is not TimeSpan span || (span >= Minimum && span <= Maximum);

    /// <inheritdoc/>
    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
