using System.Collections.Concurrent;
using System.Net;

namespace SessionGrains.Server.Admin;

/// <summary>
/// Refuses admin sign-ins from an address that got the key wrong <see cref="MaxFailures"/> times within
/// <see cref="Window"/>, until that window has passed. Successful sign-ins never count, so operators are not slowed down.
/// Behind a proxy every operator shares the proxy's address: the limit then holds for all of them together.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int MaxFailures = 10;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Bounds the memory a flood from many addresses can take; beyond it, stale entries are dropped first.
    private const int MaxTrackedAddresses = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Failures> _failures = new();

    /// <summary>How long <paramref name="address"/> must wait before trying again, or null if it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (address is null || !_failures.TryGetValue(address, out var failures))
        {
            return null;
        }

        var wait = failures.Since + Window - clock.GetUtcNow();
        return failures.Count >= MaxFailures && wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (_failures.Count >= MaxTrackedAddresses)
        {
            foreach (var stale in _failures.Where(f => f.Value.Since + Window <= now).Select(f => f.Key).ToList())
            {
                _failures.TryRemove(stale, out _);
            }
        }

        _failures.AddOrUpdate(
            address,
            _ => new Failures(now, 1),
            (_, previous) => previous.Since + Window <= now ? new Failures(now, 1) : previous with { Count = previous.Count + 1 });
    }

    private sealed record Failures(DateTimeOffset Since, int Count);
}
