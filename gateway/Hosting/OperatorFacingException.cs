namespace HaloIlertGateway.Hosting;

/// <summary>
/// An exception whose message is written for the operator: it names the file, setting or resource at fault and what to
/// do. A start that fails with one prints the message alone (<see cref="StartFailure"/>), without a stack.
/// </summary>
internal abstract class OperatorFacingException(string message, Exception? inner = null) : Exception(message, inner);

