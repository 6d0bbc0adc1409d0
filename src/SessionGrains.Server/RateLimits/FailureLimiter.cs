using System.Net;
using System.Threading.RateLimiting;

namespace SessionGrains.Server.RateLimits;

/// <summary>
/// Counts failures (wrong keys) per client network, and refuses a network that had <c>permitLimit</c> of them within
/// the current minute until that minute is over. Successes never count, so a client that gets its key right is not
/// slowed down. Behind a proxy every client shares the proxy's address: the limit then holds for all of them together.
/// A fixed-window limiter per network, from the framework's partitioned limiter: a network's limiter is dropped once
/// its window has passed with no failure, so the table holds the networks that failed lately, whatever the traffic.
/// </summary>
public sealed class FailureLimiter(int permitLimit) : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<IPAddress> _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(
        address => RateLimitPartition.GetFixedWindowLimiter(
            ClientNetwork.Of(address),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitLimit, Window = Window, QueueLimit = 0 }));

    /// <summary>How long <paramref name="address"/> must wait before trying again, or null if it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        // Asking for no permit tells whether any is left, and takes none.
        using var lease = _limiter.AttemptAcquire(address, permitCount: 0);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
    }

    public void Failed(IPAddress? address)
    {
        if (address is not null)
        {
            using var lease = _limiter.AttemptAcquire(address);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
