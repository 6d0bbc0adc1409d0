using System.Globalization;
using DbUp.Engine.Output;

namespace SessionGrains.Persistence;

/// <summary>
/// DbUp's own messages, in the server's log: its steps at Debug (the installer itself says which scripts it applied),
/// its warnings and errors as such, since they tell where in which script a failure happened. DbUp never logs the
/// connection string; it does name the journal table and the scripts.
/// </summary>
internal sealed partial class DbUpLog(ILogger logger) : IUpgradeLog
{
    public void LogTrace(string format, params object[] args) => Write(LogLevel.Debug, null, format, args);

    public void LogDebug(string format, params object[] args) => Write(LogLevel.Debug, null, format, args);

    public void LogInformation(string format, params object[] args) => Write(LogLevel.Debug, null, format, args);

    public void LogWarning(string format, params object[] args) => Write(LogLevel.Warning, null, format, args);

    public void LogError(string format, params object[] args) => Write(LogLevel.Error, null, format, args);

    public void LogError(Exception ex, string format, params object[] args) => Write(LogLevel.Error, ex, format, args);

    private void Write(LogLevel level, Exception? exception, string format, object[] args)
    {
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var message = Format(format, args);
        switch (level)
        {
            case LogLevel.Error:
                WriteError(logger, exception, message);
                break;
            case LogLevel.Warning:
                WriteWarning(logger, message);
                break;
            default:
                WriteStep(logger, message);
                break;
        }
    }

    // DbUp's messages are composite format strings, and some pass an exception's text as the format itself.
    private static string Format(string format, object[] args)
    {
        if (args is not { Length: > 0 })
        {
            return format;
        }

        try
        {
            return string.Format(CultureInfo.InvariantCulture, format, args);
        }
        catch (FormatException)
        {
            return $"{format} ({string.Join(", ", args)})";
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "DbUp: {Message}")]
    private static partial void WriteStep(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DbUp: {Message}")]
    private static partial void WriteWarning(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "DbUp: {Message}")]
    private static partial void WriteError(ILogger logger, Exception? exception, string message);
}
