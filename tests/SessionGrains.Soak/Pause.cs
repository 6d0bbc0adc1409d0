namespace SessionGrains.Soak;

/// <summary>Waiting that ends quietly when the soak stops.</summary>
public static class Pause
{
    public static async Task ForAsync(TimeSpan time, CancellationToken stop)
    {
        try
        {
            await Task.Delay(time, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the caller checks the token.
        }
    }

    public static TimeSpan Between(double lowSeconds, double highSeconds) =>
        TimeSpan.FromSeconds(lowSeconds + (Random.Shared.NextDouble() * (highSeconds - lowSeconds)));
}
