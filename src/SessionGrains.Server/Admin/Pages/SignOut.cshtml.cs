using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionGrains.Server.Auth;

namespace SessionGrains.Server.Admin.Pages;

/// <summary>Signing out is a POST with an anti-forgery token, so no link on another site can sign an operator out.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Sites");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(AccessPolicies.OperatorScheme);
        return Redirect($"{AdminUiRegistration.SignInPath}?signed-out=true");
    }
}
