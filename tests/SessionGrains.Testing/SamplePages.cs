using Microsoft.Playwright;

namespace SessionGrains.Testing;

/// <summary>What a person does in the sample web app, in a browser of their own.</summary>
public static class SamplePages
{
    /// <summary>
    /// Every demo user's password (see the .NET sample's appsettings.json; the Django sample's users are given it by
    /// the test).
    /// </summary>
    public const string Password = "demo";

    /// <summary>A new person: a browser context of their own, so cookies are never shared.</summary>
    public static async Task<IPage> NewPersonAsync(this Chromium chromium)
    {
        var context = await chromium.Browser.NewContextAsync();
        return await context.NewPageAsync();
    }

    public static Task SignInAsync(this IPage page, AppProcess web, string user, string password = Password) =>
        page.SignInAsync(new Uri(web.Address, "/Login"), user, password);

    /// <summary>Signs in on a sign-in page with the sample's fields (the .NET sample's, or the Django sample's).</summary>
    public static async Task SignInAsync(this IPage page, Uri loginPage, string user, string password = Password)
    {
        await page.GotoAsync(loginPage.ToString());
        await page.FillAsync("#user-name", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
    }
}
