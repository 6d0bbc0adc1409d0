using Microsoft.Playwright;

namespace SessionGrains.Tests.Browser.Infrastructure;

/// <summary>
/// Saves a browser test's view for the documentation, only when <c>SESSIONGRAINS_SCREENSHOTS</c> names a folder
/// (e.g. <c>SESSIONGRAINS_SCREENSHOTS=$PWD/docs/images ./tests/run.sh browser</c>).
/// </summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string fileName)
    {
        var folder = Environment.GetEnvironmentVariable("SESSIONGRAINS_SCREENSHOTS");
        if (!string.IsNullOrEmpty(folder))
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName), FullPage = true });
        }
    }
}
