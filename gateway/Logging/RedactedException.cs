namespace HaloIlertGateway.Logging;

/// <summary>Stands in for a logged exception so that its rendering (message and stack) carries no secret.</summary>
internal sealed class RedactedException(Exception original, IReadOnlyCollection<string> secrets)
    : Exception(SecretRedactor.Redact(original.Message, secrets))
{
    private readonly string _text = SecretRedactor.Redact(original.ToString(), secrets);

    public override string ToString() => _text;
}
