using Microsoft.AspNetCore.Authentication.Cookies;
using SessionGrains.AspNetCore;
using SessionGrains.SampleWeb.Demo;

if (args is ["hash-password", var password])
{
    // Prints a hash for Demo:Users:<name>:PasswordHash, so no clear-text password is ever configured.
    Console.WriteLine(DemoUserStore.HashPassword(password));
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSystemd();

builder.Services.AddRazorPages(pages =>
{
    pages.Conventions.AuthorizeFolder("/");
    pages.Conventions.AllowAnonymousToPage("/Login");
});
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(cookie =>
    {
        cookie.LoginPath = "/Login";
        cookie.Cookie.Name = "SampleWeb.Auth";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.SlidingExpiration = true;
        cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
    });
builder.Services.AddDemoUsers(builder.Configuration);

// The one registration: an Orleans client to the SessionGrains cluster, and seats for every cookie sign-in.
builder.AddSessionGrainsClient();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();

// Where a sign-in on a full site that queues sends the user: their place in line, until a seat is theirs.
app.MapWaitingPage();
app.Run();
