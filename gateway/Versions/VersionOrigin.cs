namespace HaloIlertGateway.Versions;

/// <summary>How a version came to be.</summary>
internal static class VersionOrigin
{
    /// <summary>A file in the scripts folder, changed on disk or read at start (the seed of a store).</summary>
    public const string File = "file";

    /// <summary>Saved on the operator page.</summary>
    public const string Page = "page";

    /// <summary>Published through the management API.</summary>
    public const string Api = "api";

    /// <summary>Published with <c>transforms publish</c>.</summary>
    public const string Cli = "cli";

    /// <summary>A rollback: an earlier version's content, published again.</summary>
    public const string Rollback = "rollback";

    /// <summary>The author of a version read from the scripts folder (no person signed in made it).</summary>
    public const string FilesAuthor = "files";

    /// <summary>The origins a client may name when it publishes.</summary>
    public static readonly IReadOnlyList<string> Published = [Api, Cli, Page];
}
