using HaloIlertGateway.Logging;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// The state of one run that the script's callbacks write to: its bounded, redacted log lines and the drop reason.
/// </summary>
internal sealed class TransformRunState(ScriptingOptions limits, IReadOnlyCollection<string> secrets)
{
    private readonly List<string> _logs = [];
    private int _droppedLines;

    public string? DropReason { get; private set; }

    public void Log(string line)
    {
        if (_logs.Count >= limits.MaxLogLinesPerRun)
        {
            _droppedLines++;
            return;
        }

        if (line.Length > limits.MaxLogLineLength)
        {
            line = string.Concat(line.AsSpan(0, limits.MaxLogLineLength), "…");
        }

        _logs.Add(SecretRedactor.Redact(line, secrets));
    }

    public void Drop(string reason) => DropReason = SecretRedactor.Redact(reason, secrets);

    public IReadOnlyList<string> Logs =>
        _droppedLines == 0 ? _logs : [.. _logs, $"… {_droppedLines} more log lines not kept"];
}
