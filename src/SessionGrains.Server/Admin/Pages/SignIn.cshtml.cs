using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Hosting;
using SessionGrains.Server.RateLimits;

namespace SessionGrains.Server.Admin.Pages;

/// <summary>An operator signs in with the admin key and gets a cookie; the key itself is never stored or logged.</summary>
public sealed partial class SignInModel(AdminKey adminKey, FailureLimits failureLimits, ILogger<SignInModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Key { get; set; }

    [BindProperty(SupportsGet = true, Name = "signed-out")]
    public bool SignedOut { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var presented = Key?.Trim();
        var clientIp = HttpContext.Connection.RemoteIpAddress;
        var throttle = failureLimits.SignIns;
        if (throttle.RetryAfter(clientIp) is { } wait)
        {
            // Not even checked: guessing at the key must stay slow.
            LogThrottled(logger, clientIp);
            ModelState.AddModelError(nameof(Key), $"Too many wrong keys from your address. Try again in {Display.Duration(wait)}.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }

        if (string.IsNullOrEmpty(presented) || presented.Length > SessionGrainsOptions.MaxApiKeyLength || !adminKey.Matches(presented))
        {
            throttle.Failed(clientIp);
            LogRefused(logger, clientIp);
            ModelState.AddModelError(nameof(Key), "That is not the admin key.");
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        var operatorIdentity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "operator"), new Claim(ApiClaims.Role, ApiClaims.Admin)],
            AccessPolicies.OperatorScheme);
        await HttpContext.SignInAsync(AccessPolicies.OperatorScheme, new ClaimsPrincipal(operatorIdentity));
        LogSignedIn(logger, clientIp);

        // Only back into this server: a sign-in link must not send the operator elsewhere.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/admin");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An operator signed in to the admin UI from {ClientIp}")]
    private static partial void LogSignedIn(ILogger logger, System.Net.IPAddress? clientIp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin UI sign-in refused from {ClientIp}: too many wrong keys in a row")]
    private static partial void LogThrottled(ILogger logger, System.Net.IPAddress? clientIp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin UI sign-in refused from {ClientIp}: wrong key")]
    private static partial void LogRefused(ILogger logger, System.Net.IPAddress? clientIp);
}
