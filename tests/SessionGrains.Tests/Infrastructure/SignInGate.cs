using System.Collections.Concurrent;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// Holds the sign-in calls that reach a site until the test releases them, or until a given number has arrived.
/// A test that claims "sign-ins that arrive together" makes them arrive together with it, instead of trusting
/// the thread pool to overlap them: on a fast disk, calls sent at once can still reach the site one by one.
/// Holding a call costs nothing else because the site grain interleaves its calls.
/// </summary>
public sealed class SignInGate : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, HeldSite> _held = new(StringComparer.Ordinal);

    /// <summary>Holds sign-ins to <paramref name="siteId"/> until <see cref="Release"/>, or until <paramref name="opensAfter"/> calls are held.</summary>
    public void Hold(string siteId, int opensAfter = int.MaxValue) => _held[siteId] = new HeldSite(opensAfter);

    public void Release(string siteId) => _held[siteId].Open();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.MethodName is nameof(ISiteGrain.OpenSessionAsync) or nameof(ISiteGrain.OpenSessionsAsync)
            && _held.TryGetValue(context.TargetId.Key.ToString(), out var held))
        {
            await held.ArriveAsync();
        }

        await context.Invoke();
    }

    private sealed class HeldSite(int opensAfter)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) >= opensAfter)
            {
                Open();
            }

            return _open.Task;
        }

        public void Open() => _open.TrySetResult();
    }
}
