using System.Globalization;
using System.Text.Encodings.Web;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The waiting page as it is: one small self-contained document (its style and script are served beside it, so a
/// strict Content-Security-Policy allows it, and nothing comes from a CDN). Without script it refreshes itself;
/// with script it asks for its status and updates the text in place, which a screen reader announces politely.
/// </summary>
internal static class WaitingPageHtml
{
    public static string Render(string pagePath, WaitingState state)
    {
        var (position, estimate, pollAfter, title) = state switch
        {
            WaitingState.Waiting { Ticket: var ticket } => (WaitText.Position(ticket), WaitText.Estimate(ticket), ticket.PollAfter,
                string.Create(CultureInfo.InvariantCulture, $"{ticket.Position} in line · Waiting for a seat")),
            WaitingState.Unavailable { PollAfter: var after } => (WaitText.Unavailable, "", after, "Waiting for a seat"),
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Only a waiting state is shown as a page."),
        };

        var enc = HtmlEncoder.Default;
        var path = enc.Encode(pagePath);
        var seconds = Math.Max(1, (int)Math.Ceiling(pollAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{enc.Encode(title)}</title>
            <link rel="stylesheet" href="{path}/waiting-page.css">
            <noscript><meta http-equiv="refresh" content="{seconds}"></noscript>
            <script src="{path}/waiting-page.js" defer></script>
            </head>
            <body>
            <main id="sg-waiting" data-status="{path}/status" data-poll-seconds="{seconds}">
            <h1>The site is full: you are in its waiting line</h1>
            <div role="status" aria-live="polite" aria-atomic="true">
            <p id="sg-position" class="sg-position">{enc.Encode(position)}</p>
            <p id="sg-estimate">{enc.Encode(estimate)}</p>
            </div>
            <p>Keep this page open: it updates itself, and signs you in as soon as a seat is yours. If you close it, your place is kept only for a short while.</p>
            <form method="post" action="{path}/leave">
            <button type="submit" id="sg-leave">Leave the line</button>
            </form>
            </main>
            </body>
            </html>
            """;
    }
}
