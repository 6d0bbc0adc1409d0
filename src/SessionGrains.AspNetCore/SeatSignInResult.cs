namespace SessionGrains.AspNetCore;

/// <summary>
/// How <see cref="HttpContextExtensions.SignInWithSeatAsync"/> went: signed in (the cookie is issued), in the site's
/// waiting line (send the user to <see cref="WaitingPage"/>, which signs them in once their seat is free), or refused
/// (show <see cref="Refusal"/>; no cookie was issued).
/// </summary>
public sealed record SeatSignInResult
{
    public static SeatSignInResult SignedIn { get; } = new();

    public bool Succeeded => Refusal is null && Ticket is null;

    /// <summary>Why no seat was given; null unless refused.</summary>
    public SessionRefused? Refusal { get; init; }

    /// <summary>The user's place in the site's waiting line; null unless queued.</summary>
    public TicketWaiting? Ticket { get; init; }

    /// <summary>Where to redirect a queued user: the library's waiting page (see <c>MapWaitingPage</c>).</summary>
    public string? WaitingPage { get; init; }
}
