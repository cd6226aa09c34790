namespace HaloIlertGateway.Delivery;

/// <summary>The outbox cannot be opened or written: the message names the database and the cause.</summary>
internal class OutboxUnavailableException(string message, Exception? inner = null) : Hosting.OperatorFacingException(message, inner);
