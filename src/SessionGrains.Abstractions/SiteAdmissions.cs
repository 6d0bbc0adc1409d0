using System.Collections.Concurrent;

namespace SessionGrains;

/// <summary>
/// The way into admissions for a process that serves many sign-ins (the HTTP API, a web app with the library).
/// Sign-ins for one site that arrive while calls for it are in flight wait, and go together in the next call
/// (<see cref="ISiteGrain.OpenSessionsAsync"/>), where the site decides them one by one in arrival order. A quiet
/// site gets each sign-in at once, in a call of its own; a busy one gets a few large calls instead of many small
/// ones. Each answer is what that one sign-in would have got on its own.
/// </summary>
public sealed class SiteAdmissions(IGrainFactory grains)
{
    /// <summary>Calls one process keeps in flight to one site: while one is being written, the next is decided.</summary>
    public const int MaxCallsInFlightPerSite = 2;

    /// <summary>Bounds one call, so a burst is decided in steps that each return quickly.</summary>
    public const int MaxSignInsPerCall = 256;

    private readonly ConcurrentDictionary<string, SiteQueue> _sites = new(StringComparer.Ordinal);

    /// <summary>Asks <paramref name="siteId"/> for a seat. Invalid input throws <see cref="InvalidRequestException"/> here, on its own.</summary>
    public Task<OpenSessionResult> OpenSessionAsync(string siteId, OpenSessionRequest request)
    {
        RequestRules.EnsureValidSiteId(siteId);
        RequestRules.EnsureValid(request);
        return _sites.GetOrAdd(siteId, id => new SiteQueue(grains.GetSiteGrain(id))).EnqueueAsync(request);
    }

    private sealed class SiteQueue(ISiteGrain site)
    {
        private readonly Lock _lock = new();
        private List<SignIn> _waiting = [];
        private int _calls;

        public Task<OpenSessionResult> EnqueueAsync(OpenSessionRequest request)
        {
            var signIn = new SignIn(request);
            bool call;
            lock (_lock)
            {
                _waiting.Add(signIn);
                call = _calls < MaxCallsInFlightPerSite;
                if (call)
                {
                    _calls++;
                }
            }

            if (call)
            {
                _ = CallWhileWaitingAsync();
            }

            return signIn.Answer.Task;
        }

        private async Task CallWhileWaitingAsync()
        {
            while (Take() is { } batch)
            {
                try
                {
                    if (batch.Count == 1)
                    {
                        batch[0].Answer.SetResult(await site.OpenSessionAsync(batch[0].Request).ConfigureAwait(false));
                        continue;
                    }

                    var answers = await site.OpenSessionsAsync([.. batch.Select(signIn => signIn.Request)]).ConfigureAwait(false);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Answer.SetResult(answers[i]);
                    }
                }
                catch (Exception ex)
                {
                    // Nothing in the call was acknowledged: every sign-in in it gets the failure (storage down, say).
                    foreach (var signIn in batch)
                    {
                        signIn.Answer.TrySetException(ex);
                    }
                }
            }
        }

        private List<SignIn>? Take()
        {
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _calls--;
                    return null;
                }

                if (_waiting.Count <= MaxSignInsPerCall)
                {
                    var all = _waiting;
                    _waiting = [];
                    return all;
                }

                var first = _waiting.GetRange(0, MaxSignInsPerCall);
                _waiting.RemoveRange(0, MaxSignInsPerCall);
                return first;
            }
        }
    }

    private sealed record SignIn(OpenSessionRequest Request)
    {
        public TaskCompletionSource<OpenSessionResult> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
