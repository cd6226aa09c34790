namespace HaloIlertGateway.Cli;

/// <summary>
/// Text from the gateway made safe to print on a terminal: authors and messages are other people's input, and a
/// control character in one (an escape sequence) would otherwise reach the reader's terminal as a command.
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> with every control character a space (a line break too, unless <paramref name="keepLines"/>).</summary>
    public static string Printable(string text, bool keepLines = false) =>
        string.Create(text.Length, (text, keepLines), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = state.text[i];
                span[i] = char.IsControl(c) && !(state.keepLines && c == '\n') ? ' ' : c;
            }
        });
}
