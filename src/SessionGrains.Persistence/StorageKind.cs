namespace SessionGrains.Persistence;

public enum StorageKind
{
    /// <summary>A file in the data directory; single silo; nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server given by <c>ConnectionStrings:SessionGrains</c>.</summary>
    PostgreSql,
}
