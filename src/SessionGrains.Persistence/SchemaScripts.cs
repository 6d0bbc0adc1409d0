using System.Reflection;

namespace SessionGrains.Persistence;

/// <summary>
/// The schema scripts of deploy/sql, embedded in this assembly as <c>SessionGrains.Sql.&lt;dialect&gt;/&lt;file&gt;</c>, so
/// that a server always carries the schema it was built for.
/// </summary>
public static class SchemaScripts
{
    private const string ResourcePrefix = "SessionGrains.Sql.";

    private static Assembly Assembly => typeof(SchemaScripts).Assembly;

    /// <summary>
    /// The file names of a dialect's scripts, in the order they apply. A file name is also the script's name in the
    /// journal, as it was for the hand-written installer of earlier versions: renaming a file makes it a new script.
    /// </summary>
    public static IReadOnlyList<string> Names(string dialect)
    {
        var prefix = $"{ResourcePrefix}{dialect}/";
        return [.. Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(name => name[prefix.Length..])
            .Order(StringComparer.Ordinal)];
    }

    public static string Read(string dialect, string name)
    {
        using var stream = Assembly.GetManifestResourceStream($"{ResourcePrefix}{dialect}/{name}")
            ?? throw new InvalidOperationException($"Schema script {dialect}/{name} is missing from the server.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
