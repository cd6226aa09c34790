namespace HaloIlertGateway.Scripting;

/// <summary>A transform file that cannot be loaded, with where: <c>file(line,column): message</c>.</summary>
internal sealed class TransformCompilationException(string path, string reason, int? line, int? column, Exception? inner = null)
    : Exception(line is null ? $"{path}: {reason}" : $"{path}({line},{column}): {reason}", inner)
{
    public string Path { get; } = path;

    public string Reason { get; } = reason;

    public int? Line { get; } = line;

    public int? Column { get; } = column;
}
