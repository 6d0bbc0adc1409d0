using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SessionGrains.Testing;

/// <summary>What an operator does in the admin UI: in a browser, or over plain HTTP with a cookie jar.</summary>
public static partial class OperatorPages
{
    public static async Task SignInAsOperatorAsync(this IPage page, Uri server, string key)
    {
        await page.GotoAsync(new Uri(server, "/admin/sign-in").ToString());
        await page.FillAsync("#admin-key", key);
        await page.ClickAsync("#sign-in");
    }

    /// <summary>A new person in Chromium, signed in with the test admin key, on <paramref name="path"/>.</summary>
    public static async Task<IPage> SignedInOperatorAsync(this Chromium chromium, Uri server, string path = "/admin")
    {
        var page = await chromium.NewPersonAsync();
        await page.SignInAsOperatorAsync(server, ApiServer.AdminKey);
        await Assertions.Expect(page.Locator("#sign-out")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(server, path).ToString());
        return page;
    }

    /// <summary>An HTTP client with a cookie jar, signed in as an operator on <paramref name="server"/>.</summary>
    public static async Task<HttpClient> SignedInClientAsync(Uri server, string key)
    {
        var client = CookieClient();
        var token = await AntiforgeryTokenAsync(client, new Uri(server, "/admin/sign-in"));
        using var signIn = await client.PostAsync(new Uri(server, "/admin/sign-in"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Key"] = key,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return client;
    }

    /// <summary>A client that keeps cookies and shows redirects rather than following them.</summary>
    public static HttpClient CookieClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });


    /// <summary>The anti-forgery token of the first form on a page (its cookie lands in the client's jar).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, Uri page)
    {
        var html = await client.GetStringAsync(page);
        return TokenField().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"No anti-forgery token on {page}.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
