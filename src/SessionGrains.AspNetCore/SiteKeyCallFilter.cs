using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>Sends the site's key with every call the app's Orleans client makes (see <see cref="CallerKey"/>).</summary>
internal sealed class SiteKeyCallFilter(IOptionsMonitor<SessionGateOptions> options) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // Set inside this async method, the key stays with this call and does not linger in the app's own context.
        RequestContext.Set(CallerKey.RequestContextName, options.CurrentValue.SiteKey);
        await context.Invoke();
    }
}
