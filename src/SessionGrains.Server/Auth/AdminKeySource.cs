using SessionGrains.Server.Hosting;

namespace SessionGrains.Server.Auth;

/// <summary>
/// Where the admin key comes from: <c>SessionGrains:AdminApiKey</c>, or, in the embedded default (SQLite) when that
/// is not set, a key generated on first start and kept in the data folder, readable by the service's user only.
/// </summary>
internal static partial class AdminKeySource
{
    public const string FileName = "admin-api-key";

    public static AdminKey Resolve(SessionGrainsOptions options, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.AdminApiKey))
        {
            // Secrets mounted from files often end in a newline; the key is what is between the whitespace.
            return new AdminKey(ApiKeys.Hash(options.AdminApiKey.Trim()));
        }

        // The options validator has already refused a cluster (PostgreSQL) without a configured key.
        var path = Path.GetFullPath(Path.Combine(options.DataDirectory, FileName));
        var generated = false;
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(options.DataDirectory);
            var created = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
            };
            if (!OperatingSystem.IsWindows())
            {
                created.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var writer = new StreamWriter(path, created);
                writer.WriteLine($"sga_{ApiKeys.NewSecret()}");
                generated = true;
                LogGenerated(logger, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; use theirs.
            }
        }

        var key = File.ReadAllText(path).Trim();
        if (key.Length < SessionGrainsOptions.MinAdminApiKeyLength)
        {
            throw new InvalidOperationException($"The admin key file {path} holds no usable key; delete it to have a new one generated.");
        }

        if (!generated)
        {
            LogUsingFile(logger, path);
        }

        return new AdminKey(ApiKeys.Hash(key));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin API key was configured (SessionGrains:AdminApiKey), so one was generated and written to {Path}")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "The admin API key is the one in {Path}")]
    private static partial void LogUsingFile(ILogger logger, string path);
}
