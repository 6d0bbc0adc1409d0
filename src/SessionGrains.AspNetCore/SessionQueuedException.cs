namespace SessionGrains.AspNetCore;

/// <summary>
/// Thrown out of <c>HttpContext.SignInAsync</c> when the site put the user in its waiting line: no cookie was issued,
/// but the user's place is kept in a waiting cookie, and <see cref="WaitingPage"/> signs them in once a seat is theirs.
/// <see cref="HttpContextExtensions.SignInWithSeatAsync"/> returns this as a result instead of throwing.
/// </summary>
public sealed class SessionQueuedException : SessionRefusedException
{
    public SessionQueuedException(TicketWaiting ticket, string waitingPage)
        : base(AsRefusal(ticket))
    {
        Ticket = ticket;
        WaitingPage = waitingPage;
    }

    public TicketWaiting Ticket { get; }

    public string WaitingPage { get; }

    /// <summary>What a caller that only knows refusals shows: the user's place, and when to look again.</summary>
    private static SessionRefused AsRefusal(TicketWaiting ticket) => new()
    {
        Reason = RefusalReason.SiteFull,
        Active = 0,
        Limit = 0,
        Message = $"The site is full; you are number {ticket.Position} in its waiting line.",
        RetryAfter = ticket.PollAfter,
    };
}
