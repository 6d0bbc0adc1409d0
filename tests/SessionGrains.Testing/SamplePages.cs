using Microsoft.Playwright;

namespace SessionGrains.Testing;

/// <summary>What a person does in the sample web app, in a browser of their own.</summary>
public static class SamplePages
{
    /// <summary>Every demo user's password (see the sample's appsettings.json).</summary>
    public const string Password = "demo";

    /// <summary>A new person: a browser context of their own, so cookies are never shared.</summary>
    public static async Task<IPage> NewPersonAsync(this Chromium chromium)
    {
        var context = await chromium.Browser.NewContextAsync();
        return await context.NewPageAsync();
    }

    public static async Task SignInAsync(this IPage page, AppProcess web, string user, string password = Password)
    {
        await page.GotoAsync(new Uri(web.Address, "/Login").ToString());
        await page.FillAsync("#user-name", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
    }
}
