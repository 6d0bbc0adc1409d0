using SessionGrains.Grains.Sessions;

namespace SessionGrains.Tests.Grains.Infrastructure;

/// <summary>
/// Refuses to send the site's end signals to session grains (<see cref="ISessionControlGrain.EndAsync"/>) as Orleans
/// does while a silo that died, and held their directory entries, is not yet declared dead: a fault an in-process
/// cluster cannot be brought into on cue.
/// </summary>
public sealed class UndeliverableEndSignals : IOutgoingGrainCallFilter
{
    private int _toRefuse;
    private int _attempts;

    /// <summary>End signals sent since the silo started, refused or not.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public void RefuseNext(int count) => Volatile.Write(ref _toRefuse, count);

    public void RefuseAll() => RefuseNext(int.MaxValue);

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name != nameof(ISessionControlGrain.EndAsync))
        {
            return context.Invoke();
        }

        Interlocked.Increment(ref _attempts);
        var left = Volatile.Read(ref _toRefuse);
        while (left > 0)
        {
            var seen = Interlocked.CompareExchange(ref _toRefuse, left == int.MaxValue ? left : left - 1, left);
            if (seen == left)
            {
                throw new SiloUnavailableException("The silo holding the grain's directory entry is unreachable.");
            }

            left = seen;
        }

        return context.Invoke();
    }
}
