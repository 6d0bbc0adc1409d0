namespace SessionGrains.AspNetCore;

/// <summary>
/// Thrown out of <c>HttpContext.SignInAsync</c> when the site refused a seat: no cookie was issued.
/// <see cref="HttpContextExtensions.SignInWithSeatAsync"/> returns the refusal instead of throwing.
/// </summary>
public sealed class SessionRefusedException : Exception
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
        : this(message, null!)
    {
    }

    public SessionRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Refusal = new SessionRefused { Reason = RefusalReason.SiteFull, Active = 0, Limit = 0, Message = message };
    }

    public SessionRefused Refusal { get; }
}
