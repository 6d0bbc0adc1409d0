using SessionGrains.AspNetCore;

namespace SessionGrains.Tests.Unit.AspNetCore;

/// <summary>What the waiting page says, and where it is willing to send a user once signed in.</summary>
public sealed class WaitTextTests
{
    [Theory]
    [InlineData(1, "You are next in line.")]
    [InlineData(2, "You are number 2 in line, with 1 ahead of you.")]
    [InlineData(10_000, "You are number 10000 in line, with 9999 ahead of you.")]
    public void The_position_reads_as_a_place_and_those_ahead(int position, string expected) =>
        Assert.Equal(expected, WaitText.Position(Ticket(position, null, null)));

    [Theory]
    [InlineData(10, 50, "Estimated wait: less than a minute.")]
    [InlineData(20, 130, "Estimated wait: 1–3 minutes.")]
    [InlineData(150, 170, "Estimated wait: 2–3 minutes.")]
    [InlineData(180, 180, "Estimated wait: about 3 minutes.")]
    [InlineData(60 * 60 * 2, 60 * 60 * 3, "Estimated wait: 2–3 hours.")]
    public void The_estimate_is_a_range_in_whole_units(int shortestSeconds, int longestSeconds, string expected) =>
        Assert.Equal(expected, WaitText.Estimate(Ticket(5, TimeSpan.FromSeconds(shortestSeconds), TimeSpan.FromSeconds(longestSeconds))));

    [Fact]
    public void Without_history_the_estimate_says_it_cannot_say() =>
        Assert.StartsWith("The wait cannot be estimated yet", WaitText.Estimate(Ticket(5, null, null)), StringComparison.Ordinal);

    [Theory]
    [InlineData("/reports?year=2026", "/reports?year=2026")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://elsewhere.example/", "/")]
    [InlineData("//elsewhere.example/", "/")]
    [InlineData("/\\elsewhere.example/", "/")]
    [InlineData("/a\r\nLocation: https://elsewhere.example/", "/")]
    public void Only_a_local_return_url_is_followed(string? returnUrl, string followed) =>
        Assert.Equal(followed, WaitingRoom.LocalOrRoot(returnUrl));

    private static TicketWaiting Ticket(int position, TimeSpan? shortest, TimeSpan? longest) => new()
    {
        TicketId = SessionId.New(),
        Position = position,
        ShortestWait = shortest,
        LongestWait = longest,
        PollAfter = TimeSpan.FromSeconds(15),
    };
}
