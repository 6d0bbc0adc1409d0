using SessionGrains.Grains.Sessions;

namespace SessionGrains.Tests.Grains.Infrastructure;

/// <summary>
/// Once armed, holds the site's end signals to session grains (<see cref="ISessionControlGrain.EndAsync"/>) until the
/// test releases them, and tells the test when one arrived: so a test sees what a caller observes while a signal is
/// on its way, rather than hoping to catch that moment.
/// </summary>
public sealed class EndSignalGate : IIncomingGrainCallFilter
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _armed;

    public void Arm() => _armed = true;

    public void Release() => _release.TrySetResult();

    /// <summary>Completes once a held end signal reached its grain.</summary>
    public Task ArrivedAsync() => _arrived.Task;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (_armed && context.MethodName == nameof(ISessionControlGrain.EndAsync))
        {
            _arrived.TrySetResult();
            await _release.Task;
        }

        await context.Invoke();
    }
}
