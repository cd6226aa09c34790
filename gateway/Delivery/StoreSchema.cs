namespace HaloIlertGateway.Delivery;

/// <summary>
/// Tables both providers create alike, the same DDL with the provider's types: the records of what ops did, which are
/// never changed once written (triggers refuse an update or a delete).
/// <list type="bullet">
/// <item><c>transform_versions</c>: every version of every transform, numbered per transform from 1; the primary key
/// decides between replicas publishing at once (one insert of a number wins), and a unique index between replicas
/// recording the same file (one insert of a content wins).</item>
/// <item><c>audit</c>: every state-changing management action, who, when, what, from where and the outcome.</item>
/// </list>
/// </summary>
internal static class StoreSchema
{
    /// <summary>The notification channel a new transform version is announced on (PostgreSQL).</summary>
    public const string TransformsChannel = "gateway_transforms";

    public static string[] OpsRecords(StoreProvider provider)
    {
        var sqlite = provider == StoreProvider.Sqlite;
        var id = sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
        var integer = sqlite ? "INTEGER" : "BIGINT";
        string[] tables =
        [
            $"""
            CREATE TABLE transform_versions (
                name TEXT NOT NULL, number {integer} NOT NULL, sha256 TEXT NOT NULL, content_sha256 TEXT NOT NULL,
                script TEXT NOT NULL, fixtures TEXT, settings TEXT, settings_published {integer} NOT NULL, author TEXT NOT NULL, created_at {integer} NOT NULL,
                message TEXT NOT NULL, origin TEXT NOT NULL, fixture_result TEXT NOT NULL,
                PRIMARY KEY (name, number))
            """,
            "CREATE INDEX transform_versions_by_content ON transform_versions (name, content_sha256)",
            // A file's content is recorded once, however many replicas read the same folder at once.
            "CREATE UNIQUE INDEX transform_versions_file_once ON transform_versions (name, content_sha256) WHERE origin = 'file'",
            $"""
            CREATE TABLE audit (
                id {id}, at {integer} NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT,
                address TEXT, status {integer} NOT NULL, outcome TEXT NOT NULL, detail TEXT)
            """,
            "CREATE INDEX audit_by_actor ON audit (actor, id)",
            "CREATE INDEX audit_by_action ON audit (action, id)",
        ];
        return [.. tables, .. sqlite ? SqliteImmutable("transform_versions").Concat(SqliteImmutable("audit")) : PostgresImmutable()];
    }

    private static readonly string[] Changes = ["UPDATE", "DELETE"];

    private static IEnumerable<string> SqliteImmutable(string table) =>
        from operation in Changes
        select $"CREATE TRIGGER {table}_no_{operation.ToLowerInvariant()} BEFORE {operation} ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END";

    private static string[] PostgresImmutable() =>
    [
        """
        CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END
        $f$
        """,
        "CREATE TRIGGER transform_versions_append_only BEFORE UPDATE OR DELETE ON transform_versions FOR EACH ROW EXECUTE FUNCTION append_only()",
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION append_only()",
        $$"""
        CREATE FUNCTION transform_versions_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            PERFORM pg_notify('{{TransformsChannel}}', '');
            RETURN NULL;
        END
        $f$
        """,
        "CREATE TRIGGER transform_versions_changed AFTER INSERT ON transform_versions FOR EACH STATEMENT EXECUTE FUNCTION transform_versions_changed()",
    ];
}
