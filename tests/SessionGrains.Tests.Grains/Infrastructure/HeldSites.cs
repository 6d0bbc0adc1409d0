using System.Collections.Concurrent;

namespace SessionGrains.Tests.Grains.Infrastructure;

/// <summary>
/// The sites whose calls a test filter holds back: each until the test releases it, or until a given number of calls
/// are waiting.
/// </summary>
public sealed class HeldSites
{
    private readonly ConcurrentDictionary<string, Gate> _holds = new(StringComparer.Ordinal);

    /// <summary>Holds calls for <paramref name="siteId"/> until <see cref="Release"/>, or until <paramref name="opensAfter"/> are waiting.</summary>
    public void Hold(string siteId, int opensAfter = int.MaxValue) => _holds[siteId] = new Gate(opensAfter);

    public void Release(string siteId) => _holds[siteId].Open();

    /// <summary>Completes when a call for <paramref name="siteId"/> may go on: at once for a site not held.</summary>
    public Task PassAsync(string siteId) => _holds.TryGetValue(siteId, out var hold) ? hold.ArriveAsync() : Task.CompletedTask;

    private sealed class Gate(int opensAfter)
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
