namespace SessionGrains.Tests.Grains.Infrastructure;

/// <summary>
/// Holds the sign-in calls that reach a site until the test releases them, or until a given number have arrived.
/// A test that claims "sign-ins that arrive together" makes them arrive together with it, instead of trusting
/// the thread pool to overlap them: on a fast disk, calls sent at once can still reach the site one by one.
/// Holding a call costs nothing else because the site grain interleaves its calls.
/// </summary>
public sealed class SignInGate : IIncomingGrainCallFilter
{
    private readonly HeldSites _held = new();

    /// <summary>Holds sign-ins to <paramref name="siteId"/> until <see cref="Release"/>, or until <paramref name="opensAfter"/> calls are held.</summary>
    public void Hold(string siteId, int opensAfter = int.MaxValue) => _held.Hold(siteId, opensAfter);

    public void Release(string siteId) => _held.Release(siteId);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.MethodName is nameof(ISiteGrain.OpenSessionAsync) or nameof(ISiteGrain.OpenSessionsAsync))
        {
            await _held.PassAsync(context.TargetId.Key.ToString());
        }

        await context.Invoke();
    }
}
