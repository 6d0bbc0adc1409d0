using System.Globalization;

namespace SessionGrains.AspNetCore;

/// <summary>The waiting page's sentences, in one place, for the page itself and for its status (which the script shows).</summary>
internal static class WaitText
{
    public static string Position(TicketWaiting ticket) => ticket.Position == 1
        ? "You are next in line."
        : string.Create(CultureInfo.InvariantCulture, $"You are number {ticket.Position} in line, with {ticket.Ahead} ahead of you.");

    /// <summary>The site's own estimate as a range of whole minutes, or a plain "cannot say" while it has no history.</summary>
    public static string Estimate(TicketWaiting ticket) => (ticket.ShortestWait, ticket.LongestWait) switch
    {
        ({ } shortest, { } longest) => "Estimated wait: " + Range(shortest, longest) + ".",
        _ => "The wait cannot be estimated yet: too few seats have freed up recently.",
    };

    public const string Unavailable = "The site cannot be reached right now. Your place is kept; this page keeps trying.";

    private static string Range(TimeSpan shortest, TimeSpan longest)
    {
        if (longest < TimeSpan.FromMinutes(1))
        {
            return "less than a minute";
        }

        if (shortest >= TimeSpan.FromMinutes(90))
        {
            return Span(Math.Round(shortest.TotalHours), Math.Round(longest.TotalHours), "hour");
        }

        // Whole minutes, never below one: "0–2 minutes" reads as a promise of none.
        return Span(Math.Max(1, Math.Floor(shortest.TotalMinutes)), Math.Max(1, Math.Ceiling(longest.TotalMinutes)), "minute");
    }

    private static string Span(double low, double high, string unit) => low >= high
        ? string.Create(CultureInfo.InvariantCulture, $"about {high} {unit}{(high == 1 ? "" : "s")}")
        : string.Create(CultureInfo.InvariantCulture, $"{low}–{high} {unit}s");
}
