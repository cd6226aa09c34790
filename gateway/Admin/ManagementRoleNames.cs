namespace HaloIlertGateway.Admin;

/// <summary>A <see cref="ManagementRole"/> as configuration and answers write it: <c>read</c>, <c>operate</c>, <c>edit</c>, <c>admin</c>.</summary>
internal static class ManagementRoleNames
{
    /// <summary>The names, lowest role first, for messages: "read, operate, edit or admin".</summary>
    public static string Choices { get; } =
        string.Join(", ", Enum.GetValues<ManagementRole>()[..^1].Select(Of)) + " or " + Of(Enum.GetValues<ManagementRole>()[^1]);

    public static string Of(ManagementRole role) => role.ToString().ToLowerInvariant();

    /// <summary>A role by its name, in any case; a number is not a name.</summary>
    public static bool TryParse(string? text, out ManagementRole role)
    {
        foreach (var candidate in Enum.GetValues<ManagementRole>())
        {
            if (string.Equals(text?.Trim(), Of(candidate), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }
}
