namespace SessionGrains.Grains;

public static class StorageNames
{
    /// <summary>The grain storage that holds site and session state.</summary>
    public const string Default = "sessiongrains";
}
