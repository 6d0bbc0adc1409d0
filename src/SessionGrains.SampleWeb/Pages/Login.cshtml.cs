using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionGrains.AspNetCore;
using SessionGrains.SampleWeb.Demo;

namespace SessionGrains.SampleWeb.Pages;

public sealed class LoginModel(DemoUserStore users, TimeProvider clock) : PageModel
{
    /// <summary>Why the user was signed out, or a confirmation that they did it themselves.</summary>
    public string? Notice { get; private set; }

    /// <summary>The sign-in guard's message, when too many sign-ins failed.</summary>
    public string? Blocked { get; private set; }

    /// <summary>The site's refusal message, when no seat was free.</summary>
    public string? Refusal { get; private set; }

    public DateTimeOffset? RetryAt { get; private set; }

    public string? UserName { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet(bool signedOut = false)
    {
        if (HttpContext.TakeSessionNotice() is { } notice)
        {
            if (notice.Refusal is not null)
            {
                Refusal = $"You were away for a while and your seat went to someone else. {notice.Message}";
                RetryAt = notice.RetryAfter is { } after ? clock.GetUtcNow() + after : null;
            }
            else
            {
                Notice = notice.Message;
            }
        }
        else if (signedOut)
        {
            Notice = "You signed out.";
        }
    }

    public async Task<IActionResult> OnPostAsync(string userName, string password)
    {
        UserName = userName;

        // The password is checked only if the site's sign-in guard lets this client try, and the guard learns how it went.
        ClaimsPrincipal? principal = null;
        var guarded = await HttpContext.GuardSignInAsync(userName ?? "", () =>
            Task.FromResult((principal = users.Authenticate(userName ?? "", password ?? "")) is not null));
        if (guarded.Outcome == SignInGuardOutcome.Blocked)
        {
            Blocked = guarded.Message;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        if (principal is null)
        {
            Notice = "Wrong user name or password.";
            return Page();
        }

        var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
        var signIn = await HttpContext.SignInWithSeatAsync(principal, new AuthenticationProperties { RedirectUri = returnUrl });
        if (signIn.WaitingPage is { } waitingPage)
        {
            // The site is full and queues: the library's waiting page signs the user in once a seat is theirs.
            return LocalRedirect(waitingPage);
        }

        if (signIn.Refusal is { } refusal)
        {
            Refusal = refusal.Message;
            RetryAt = refusal.RetryAfter is { } after ? clock.GetUtcNow() + after : null;
            return Page();
        }

        return LocalRedirect(returnUrl);
    }
}
