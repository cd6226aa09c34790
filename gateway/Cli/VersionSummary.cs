namespace HaloIlertGateway.Cli;

/// <summary>A version as the management API lists it (<c>GET …/versions</c>, or a publish's answer): what the CLI shows of it.</summary>
internal sealed record VersionSummary(int Number, string Sha256, string Author, DateTimeOffset CreatedAt, string Message, string Origin);
