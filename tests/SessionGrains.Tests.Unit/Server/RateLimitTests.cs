using System.Net;
using SessionGrains.Server.Hosting;
using SessionGrains.Server.RateLimits;

namespace SessionGrains.Tests.Unit.Server;

/// <summary>How clients are grouped for the failure limits, and the limits' settings.</summary>
public sealed class RateLimitTests
{
    [Theory]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("::1", "::")]
    public void A_client_counts_under_its_IPv4_address_or_its_IPv6_64(string address, string network)
    {
        Assert.Equal(IPAddress.Parse(network), ClientNetwork.Of(IPAddress.Parse(address)));
    }

    [Fact]
    public void Failures_from_one_IPv6_64_add_up_whatever_address_of_it_they_come_from_and_other_networks_stay_free()
    {
        using var limiter = new FailureLimiter(permitLimit: 3);

        limiter.Failed(IPAddress.Parse("2001:db8:1:2::1"));
        limiter.Failed(IPAddress.Parse("2001:db8:1:2::2"));
        Assert.Null(limiter.RetryAfter(IPAddress.Parse("2001:db8:1:2::3")));
        limiter.Failed(IPAddress.Parse("2001:db8:1:2:ffff::9"));

        Assert.InRange(limiter.RetryAfter(IPAddress.Parse("2001:db8:1:2::77"))!.Value, TimeSpan.FromSeconds(1), FailureLimiter.Window);
        Assert.Null(limiter.RetryAfter(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Null(limiter.RetryAfter(IPAddress.Parse("203.0.113.7")));
    }

    [Fact]
    public void Asking_whether_an_address_may_try_takes_nothing_from_it()
    {
        using var limiter = new FailureLimiter(permitLimit: 1);
        var address = IPAddress.Parse("198.51.100.4");

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(limiter.RetryAfter(address));
        }

        limiter.Failed(address);
        Assert.NotNull(limiter.RetryAfter(address));
    }

    [Theory]
    [InlineData(0, 10, 30, "SiteOpensPerSecond must be a whole number from 1")]
    [InlineData(100, 10, 30, "SiteOpenBurst must be at least SiteOpensPerSecond")]
    [InlineData(10, 10, -1, "AuthFailuresPerMinute must be a whole number from 1")]
    public void Rate_limits_that_cannot_work_stop_the_server_at_start_up(int perSecond, int burst, int authFailures, string failure)
    {
        var options = new SessionGrainsOptions
        {
            RateLimits = new() { SiteOpensPerSecond = perSecond, SiteOpenBurst = burst, AuthFailuresPerMinute = authFailures },
        };

        var result = new SessionGrainsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"SessionGrains:RateLimits:{failure}", result.FailureMessage, StringComparison.Ordinal);
    }
}
