using Microsoft.Extensions.Logging;

namespace SessionGrains.Grains.Sites;

public sealed partial class SiteGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} admitted session {SessionId} (exempt: {Exempt}); {Active} of {Limit} seats taken")]
    private partial void LogAdmitted(string siteId, SessionId sessionId, bool exempt, int active, int limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} refused a session: {Reason}; {Active} of {Limit} seats taken")]
    private partial void LogRefused(string siteId, RefusalReason reason, int active, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId} settings changed: limit {Limit}, idle timeout {IdleTimeout}, when full {OnFull}")]
    private partial void LogSettingsChanged(string siteId, int limit, TimeSpan idleTimeout, FullSitePolicy onFull);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId} session {SessionId} kicked by an operator")]
    private partial void LogKicked(string siteId, SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId} session {SessionId}: an idle end was refused, the site knows of later activity (a second activation of the session, after a silo's death)")]
    private partial void LogIdleEndRefused(string siteId, SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} session {SessionId} ended: {Reason}")]
    private partial void LogSessionEnded(string siteId, SessionId sessionId, SessionEndReason reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId}: {Count} session lease(s) ran out")]
    private partial void LogLeasesExpired(string siteId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Site {SiteId}: writing its state failed; it decides nothing more until it has reloaded from storage")]
    private partial void LogWriteFailed(Exception exception, string siteId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId}: ticket {TicketId} left the line ({Reason})")]
    private partial void LogTicketEnded(string siteId, SessionId ticketId, TicketEndReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId} ticket {TicketId} removed from the line by an operator")]
    private partial void LogTicketRemoved(string siteId, SessionId ticketId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId}: an operator admitted ticket {TicketId} next; {Active} counted and {Held} seat(s) held of {Limit}")]
    private partial void LogAdmittedNext(string siteId, SessionId ticketId, int active, int held, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: saving the usage rows failed")]
    private partial void LogUsageWriteFailed(Exception exception, string siteId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId} session {SessionId}: telling the session's grain of its end ({Reason}) failed; it learns at its next renewal")]
    private partial void LogEndNotTold(Exception exception, string siteId, SessionId sessionId, SessionEndReason reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} session {SessionId}: the end signal could not be delivered; sending it again in {Pause}")]
    private partial void LogEndSignalRetry(string siteId, SessionId sessionId, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId}: the database answers again; the site was reloaded from storage")]
    private partial void LogReloaded(string siteId);
}
