namespace SessionGrains.Tests.Unit.Abstractions;

/// <summary>A site's messages: figures filled in, words chosen for one or for more, typos refused when set.</summary>
public sealed class MessageTemplateTests
{
    [Theory]
    [InlineData(1, "Sorry, there is already 1 user working on this site. Please try again later.")]
    [InlineData(0, "Sorry, there are already 0 users working on this site. Please try again later.")]
    [InlineData(12, "Sorry, there are already 12 users working on this site. Please try again later.")]
    public void The_default_message_reads_well_for_one_and_for_many(int active, string expected) =>
        Assert.Equal(expected, MessageTemplate.Render(SiteSettings.DefaultMessage, active, limit: active));

    [Theory]
    [InlineData("{active}/{limit}", "3/1")]
    [InlineData("{limit} {limit|seat|seats}, {active} {active|taker|takers}", "1 seat, 3 takers")]
    [InlineData("{active||s}", "s")]
    [InlineData("no placeholders", "no placeholders")]
    [InlineData("{other} and {active", "{other} and {active")]
    [InlineData("{active|a|b|c} {active}", "{active|a|b|c} 3")]
    public void Placeholders_are_filled_and_anything_else_is_shown_as_written(string template, string expected) =>
        Assert.Equal(expected, MessageTemplate.Render(template, active: 3, limit: 1));

    [Theory]
    [InlineData("Full: {actve} users")]
    [InlineData("Full: {active users")]
    [InlineData("Full: {active|user}")]
    [InlineData("Full: {active|a|b|c}")]
    [InlineData("{}")]
    public void A_message_with_a_mistaken_placeholder_is_refused_when_set(string message)
    {
        var refusal = Assert.Throws<InvalidRequestException>(() => RequestRules.EnsureValid(SiteSettings.Default with { ClosedMessage = message }));

        var error = Assert.Single(refusal.Errors);
        Assert.Equal("closedMessage", error.Field);
        Assert.Contains("{active|one|other}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_limit_message_with_a_mistaken_placeholder_is_refused_by_its_own_name()
    {
        var refusal = Assert.Throws<InvalidRequestException>(() => RequestRules.EnsureValid(SiteSettings.Default with { UserLimitMessage = "You have {sessions}." }));

        Assert.Equal("userLimitMessage", Assert.Single(refusal.Errors).Field);
    }

    [Fact]
    public void Each_refusal_reads_its_own_message_with_its_own_figures()
    {
        var settings = SiteSettings.Default with
        {
            Limit = 0,
            PerUserLimit = 3,
            Message = "full {active} of {limit}",
            ClosedMessage = "closed {limit}",
            UserLimitMessage = "yours {active} of {limit}",
        };

        Assert.Equal("closed 0", settings.RenderMessage(RefusalReason.SiteClosed, active: 2, userActive: 1));
        Assert.Equal("full 2 of 0", settings.RenderMessage(RefusalReason.SiteFull, active: 2, userActive: 1));
        Assert.Equal("full 2 of 0", settings.RenderMessage(RefusalReason.MaxSessions, active: 2, userActive: 1));
        Assert.Equal("yours 1 of 3", settings.RenderMessage(RefusalReason.UserLimit, active: 2, userActive: 1));
    }
}
