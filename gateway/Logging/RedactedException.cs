namespace HaloIlertGateway.Logging;

/// <summary>Stands in for a logged exception so that its rendering (message and stack) carries no secret.</summary>
internal sealed class RedactedException(Exception original)
    : Exception(SecretRedactor.Redact(original.Message))
{
    private readonly string _text = SecretRedactor.Redact(original.ToString());

    public override string ToString() => _text;
}
