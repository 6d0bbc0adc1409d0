namespace SessionGrains.Grains.Sites;

/// <summary>The outcome of <see cref="AdmissionRule.Decide"/>.</summary>
internal abstract record AdmissionDecision
{
    /// <summary>Admit the newcomer, after ending <paramref name="Evict"/> if it is set.</summary>
    public sealed record Admit(bool Exempt, LiveSession? Evict) : AdmissionDecision;

    public sealed record Refuse(RefusalReason Reason) : AdmissionDecision;

    /// <summary>Give the newcomer a ticket in the site's waiting line.</summary>
    public sealed record Queue : AdmissionDecision;
}

/// <summary>
/// The admission rule, whole: who gets a seat on a site. Pure, so it is the same under any load;
/// the site grain calls it within one turn per request, reading and changing its sessions with no await in between,
/// which is what makes admissions atomic.
/// </summary>
internal static class AdmissionRule
{
    /// <param name="waiting">Tickets in the site's waiting line.</param>
    /// <param name="seatsHeld">Seats held for tickets at the head of the line: taken, for a newcomer.</param>
    public static AdmissionDecision Decide(SiteSettings settings, LiveSessionSet sessions, int waiting, int seatsHeld, string userId, bool exempt)
    {
        // Exempt sessions (the site's own operators) get in whatever the limit, and take no seat; but no session,
        // exempt or not, gets past the most the site may hold at all.
        if (exempt)
        {
            return sessions.Count >= settings.MaxSessions
                ? new AdmissionDecision.Refuse(RefusalReason.MaxSessions)
                : new AdmissionDecision.Admit(Exempt: true, Evict: null);
        }

        if (settings.Limit == SiteSettings.Closed)
        {
            return new AdmissionDecision.Refuse(RefusalReason.SiteClosed);
        }

        var evictIdlest = settings.OnFull == FullSitePolicy.EvictIdlest;
        LiveSession? evict = null;

        if (settings.PerUserLimit > 0)
        {
            var held = sessions.CountedFor(userId);
            if (held >= settings.PerUserLimit)
            {
                // Replacing the user's idlest session keeps them at their allowance; if a lowered allowance
                // left them above it, they wait like everyone else until they are back under it.
                if (!evictIdlest || held > settings.PerUserLimit)
                {
                    return new AdmissionDecision.Refuse(RefusalReason.UserLimit);
                }

                evict = sessions.FindIdlest(userId);
            }
        }

        if (settings.Limit > 0)
        {
            // While anyone waits, a newcomer joins the end of the line: a freed seat is theirs first.
            var taken = sessions.Counted + seatsHeld;
            if (settings.OnFull == FullSitePolicy.Queue && (waiting > 0 || taken >= settings.Limit))
            {
                return waiting >= settings.MaxQueueLength ? new AdmissionDecision.Refuse(RefusalReason.SiteFull) : new AdmissionDecision.Queue();
            }

            var countedAfter = taken - (evict is null ? 0 : 1) + 1;
            if (countedAfter > settings.Limit)
            {
                // Eviction swaps one seat for another; it never ends anyone to bring a site back under a lowered limit.
                if (!evictIdlest || evict is not null || taken != settings.Limit)
                {
                    return new AdmissionDecision.Refuse(RefusalReason.SiteFull);
                }

                evict = sessions.FindIdlest();
            }
        }

        // Last, so the newcomer is weighed with the seat it may free: an eviction swaps one live session for another
        // and never takes the site past the most it may hold, which a plain admission would.
        if (sessions.Count - (evict is null ? 0 : 1) + 1 > settings.MaxSessions)
        {
            return new AdmissionDecision.Refuse(RefusalReason.MaxSessions);
        }

        return new AdmissionDecision.Admit(Exempt: false, evict);
    }
}
