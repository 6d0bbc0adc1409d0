using System.Collections.Concurrent;
using SessionGrains.Grains.Sessions;

namespace SessionGrains.Tests.Grains.Infrastructure;

/// <summary>
/// Holds a site's start signals (its one-way message to each new session's grain) until the test releases them,
/// and tells when a released signal has been handled: the late delivery that one-way messages allow, on demand.
/// </summary>
public sealed class StartSignalGate : IOutgoingGrainCallFilter, IIncomingGrainCallFilter
{
    private readonly HeldSites _held = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _handled = new();

    public void Hold(string siteId) => _held.Hold(siteId);

    public void Release(string siteId) => _held.Release(siteId);

    public Task HandledAsync(SessionId sessionId) => Handled(sessionId.Value).Task;

    async Task IOutgoingGrainCallFilter.Invoke(IOutgoingGrainCallContext context)
    {
        if (IsStartSignal(context, out _, out var siteId))
        {
            await _held.PassAsync(siteId);
        }

        await context.Invoke();
    }

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (IsStartSignal(context, out var sessionId, out _))
        {
            Handled(sessionId).TrySetResult();
        }
    }

    private TaskCompletionSource Handled(Guid sessionId) =>
        _handled.GetOrAdd(sessionId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    private static bool IsStartSignal(IGrainCallContext context, out Guid sessionId, out string siteId)
    {
        sessionId = default;
        siteId = "";
        if (context.MethodName != nameof(ISessionControlGrain.StartAsync) || !context.TargetId.TryGetGuidKey(out sessionId, out var site) || site is null)
        {
            return false;
        }

        siteId = site;
        return true;
    }
}
