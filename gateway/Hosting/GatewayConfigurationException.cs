namespace HaloIlertGateway.Hosting;

/// <summary>The gateway cannot start on this configuration; the message names the file or setting and what to do.</summary>
internal sealed class GatewayConfigurationException(string message, Exception? inner = null) : OperatorFacingException(message, inner);
