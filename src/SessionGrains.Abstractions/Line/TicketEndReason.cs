namespace SessionGrains;

/// <summary>Why a ticket left the line without its holder's say.</summary>
public enum TicketEndReason
{
    /// <summary>Not asked about within the site's ticket timeout.</summary>
    TicketExpired,

    /// <summary>A seat was held for it and not claimed in time; it went to the next in line.</summary>
    ClaimExpired,

    /// <summary>The site closed (limit 0): its line was sent away.</summary>
    SiteClosed,

    /// <summary>An operator removed it from the line.</summary>
    Removed,
}
