namespace SessionGrains.AspNetCore;

/// <summary>
/// Thrown out of <c>HttpContext.SignInAsync</c> when the site refused a seat: no cookie was issued.
/// <see cref="HttpContextExtensions.SignInWithSeatAsync"/> returns the refusal instead of throwing. A user put in the
/// site's waiting line gets its subclass <see cref="SessionQueuedException"/>.
/// </summary>
public class SessionRefusedException : Exception
{
    public SessionRefusedException(SessionRefused refusal)
        : base(refusal.Message)
    {
        Refusal = refusal;
    }

    public SessionRefusedException()
        : this("The site refused a session.")
    {
    }

    public SessionRefusedException(string message)
        : base(message)
    {
        Refusal = Unspecified(message);
    }

    public SessionRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Refusal = Unspecified(message);
    }

    public SessionRefused Refusal { get; }

    private static SessionRefused Unspecified(string message) =>
        new() { Reason = RefusalReason.SiteFull, Active = 0, Limit = 0, Message = message };
}
