namespace SessionGrains.Testing;

/// <summary>Waits for a condition that another actor (a grain timer, a one-way message) makes true.</summary>
public static class Eventually
{
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var started = TimeProvider.System.GetTimestamp();
        var last = await probe();
        while (!condition(last))
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"The condition did not hold within {limit}; last value: {last}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
            last = await probe();
        }

        return last;
    }
}
