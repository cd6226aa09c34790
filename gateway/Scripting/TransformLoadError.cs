namespace HaloIlertGateway.Scripting;

/// <summary>Why a version of a transform was not activated: the file, 1-based line and column where known, and the message.</summary>
internal sealed record TransformLoadError(string File, int? Line, int? Column, string Message, DateTimeOffset At)
{
    public override string ToString() => Line is null ? $"{File}: {Message}" : $"{File}({Line},{Column}): {Message}";
}
