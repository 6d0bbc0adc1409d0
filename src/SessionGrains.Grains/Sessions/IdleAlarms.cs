using Microsoft.Extensions.DependencyInjection;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// One timer per silo for the idle deadlines of the session grains that run here, instead of a grain timer each. At a
/// million live sessions a grain timer costs about 500 bytes of heap apiece (the runtime's timer, the activation's
/// timer set, the callback); an alarm here costs a few dozen. When an alarm is due it wakes its grain with a one-way
/// call (<see cref="ISessionControlGrain.IdleAlarmAsync"/>), which runs in the grain's turn as a timer tick did.
/// </summary>
/// <remarks>
/// The alarms wait in a priority queue by due time. Setting an alarm again or cancelling it leaves its old entry
/// behind, skipped when it surfaces (its time no longer matches); the queue is rebuilt whenever such entries outnumber
/// the set alarms, which bounds its size. Time is the grains' clock, so tests drive the alarms with a fake one.
/// </remarks>
public sealed class IdleAlarms : IDisposable
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<IdleAlarm, long> _queue = new();
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private long _timerDueTicks = long.MaxValue;
    private int _set;

    public IdleAlarms([FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock)
    {
        _clock = clock;
        _timer = clock.CreateTimer(_ => Ring(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Alarms set and not yet rung or cancelled.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _set;
            }
        }
    }

    /// <summary>Sets <paramref name="alarm"/> to ring at <paramref name="at"/> (at once if that has passed), in place of any earlier time.</summary>
    internal void Set(IdleAlarm alarm, DateTimeOffset at)
    {
        var ticks = Math.Max(at.UtcTicks, 1);
        lock (_lock)
        {
            if (alarm.DueTicks == ticks)
            {
                return;
            }

            if (alarm.DueTicks == 0)
            {
                _set++;
            }

            alarm.DueTicks = ticks;
            _queue.Enqueue(alarm, ticks);
            CompactIfMostlyStale();
            ArmTimer();
        }
    }

    /// <summary>The alarm will not ring (unless set again).</summary>
    internal void Cancel(IdleAlarm alarm)
    {
        lock (_lock)
        {
            if (alarm.DueTicks != 0)
            {
                alarm.DueTicks = 0;
                _set--;
                CompactIfMostlyStale();
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Ring()
    {
        List<IdleAlarm> due = [];
        lock (_lock)
        {
            var now = _clock.GetUtcNow().UtcTicks;
            while (_queue.TryPeek(out var alarm, out var ticks) && ticks <= now)
            {
                _queue.Dequeue();
                if (alarm.DueTicks == ticks)
                {
                    alarm.DueTicks = 0;
                    _set--;
                    due.Add(alarm);
                }
            }

            _timerDueTicks = long.MaxValue;
            ArmTimer();
        }

        // One-way: nothing waits here on a grain, and each grain takes its alarm in its own turn.
        foreach (var alarm in due)
        {
            alarm.Grain.AsReference<ISessionControlGrain>().IdleAlarmAsync().Ignore();
        }
    }

    /// <summary>Points the timer at the earliest set alarm (or stops it): called under the lock after every change.</summary>
    private void ArmTimer()
    {
        // Entries left behind at the head would only make the timer ring for nothing.
        while (_queue.TryPeek(out var head, out var ticks) && head.DueTicks != ticks)
        {
            _queue.Dequeue();
        }

        var next = _queue.TryPeek(out _, out var dueTicks) ? dueTicks : long.MaxValue;
        if (next == _timerDueTicks)
        {
            return;
        }

        _timerDueTicks = next;
        if (next == long.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        // Whole milliseconds, rounded up: the system's timers count in milliseconds and would round a wait of less
        // than one down to none, ringing again and again until the alarm is due.
        var wait = Math.Max(0, next - _clock.GetUtcNow().UtcTicks);
        var milliseconds = (wait + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        _timer.Change(TimeSpan.FromMilliseconds(milliseconds), Timeout.InfiniteTimeSpan);
    }

    private void CompactIfMostlyStale()
    {
        if (_queue.Count <= 1024 || _queue.Count <= 2 * _set)
        {
            return;
        }

        var current = _queue.UnorderedItems.Where(entry => entry.Element.DueTicks == entry.Priority).ToList();
        _queue.Clear();
        _queue.EnqueueRange(current);
        _queue.TrimExcess();
    }
}

/// <summary>A session grain's alarm at its idle deadline (<see cref="IdleAlarms"/>).</summary>
internal sealed class IdleAlarm(GrainReference grain)
{
    /// <summary>The grain to wake: the activation's own reference, so an alarm allocates nothing else.</summary>
    public GrainReference Grain { get; } = grain;

    /// <summary>When it rings, in UTC ticks; 0 while not set. Read and written only under the <see cref="IdleAlarms"/> lock.</summary>
    public long DueTicks { get; set; }
}
