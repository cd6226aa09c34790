namespace HaloIlertGateway.Security;

/// <summary>
/// Where a secret lives, written in configuration instead of the secret itself: <c>env:NAME</c> (an environment
/// variable) or <c>file:/path</c> (a file, such as a Docker or Kubernetes secret; surrounding white space is trimmed).
/// A literal value is refused: secrets never sit in proxy.json.
/// </summary>
internal sealed record SecretReference(SecretReference.SourceKind Kind, string Name)
{
    internal enum SourceKind
    {
        Environment,
        File,
    }

    public static bool TryParse(string? text, out SecretReference? reference)
    {
        reference = text switch
        {
            ['e', 'n', 'v', ':', .. var name] when name.Length > 0 => new SecretReference(SourceKind.Environment, name),
            ['f', 'i', 'l', 'e', ':', .. var path] when path.Length > 0 => new SecretReference(SourceKind.File, path),
            _ => null,
        };
        return reference is not null;
    }

    public override string ToString() => Kind == SourceKind.Environment ? $"env:{Name}" : $"file:{Name}";
}
