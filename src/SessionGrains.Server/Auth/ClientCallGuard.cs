using System.Collections.Concurrent;
using System.Reflection;

namespace SessionGrains.Server.Auth;

/// <summary>
/// The tenant boundary on the gateway: every grain call that no silo of this cluster made (<see cref="SiloCallMark"/>)
/// must carry a key (<see cref="CallerKey"/>). The admin key may call anything; a site key only the
/// <see cref="SiteScopedAttribute">site-scoped</see> methods, on its own site; anything else is refused with
/// <see cref="CallRefusedException"/> before the grain runs. Orleans' system targets (the client protocol itself) are
/// left alone.
/// </summary>
public sealed partial class ClientCallGuard(SiloCallMark mark, KeyVerifier keys, ILogger<ClientCallGuard> logger) : IIncomingGrainCallFilter
{
    // What the guard needs of a method, worked out once: whether a site key may call it, and where its site is.
    private readonly ConcurrentDictionary<MethodInfo, SiteScope> _scopes = new();

    private enum SiteScope
    {
        /// <summary>Not site-scoped: only the admin key may call it.</summary>
        None,

        /// <summary>The site is the grain's key (a site grain).</summary>
        GrainKey,

        /// <summary>The site is the grain's key extension (a session grain).</summary>
        KeyExtension,
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.TargetId.IsSystemTarget() || mark.IsOnCurrentCall())
        {
            return context.Invoke();
        }

        // A busy client's key is verified already (KeyVerifier): then the answer is ready, and no await is needed.
        var refusal = RefusalOfAsync(context);
        return refusal.IsCompletedSuccessfully ? InvokeOrRefuse(context, refusal.Result) : InvokeOrRefuseAsync(context, refusal);
    }

    private async Task InvokeOrRefuseAsync(IIncomingGrainCallContext context, ValueTask<string?> refusal) =>
        await InvokeOrRefuse(context, await refusal);

    private Task InvokeOrRefuse(IIncomingGrainCallContext context, string? refusal)
    {
        if (refusal is null)
        {
            return context.Invoke();
        }

        var method = context.InterfaceMethod;
        LogRefused(method.DeclaringType?.Name, method.Name, refusal);
        return Task.FromException(new CallRefusedException($"{method.DeclaringType?.Name}.{method.Name} was refused: {refusal}."));
    }

    private async ValueTask<string?> RefusalOfAsync(IIncomingGrainCallContext context)
    {
        if (RequestContext.Get(CallerKey.RequestContextName) is not string presented)
        {
            return "the call carries no key (SessionGrains:SiteKey)";
        }

        var caller = await keys.IdentifyAsync(presented);
        if (caller is null)
        {
            return "its key is unknown or was revoked";
        }

        if (caller.IsAdmin)
        {
            return null;
        }

        var scope = _scopes.GetOrAdd(context.InterfaceMethod, ScopeOf);
        if (scope == SiteScope.None)
        {
            return "a site's key may not make this call";
        }

        return SiteOf(context.TargetId, scope) == caller.SiteId ? null : "the key belongs to another site";
    }

    private static SiteScope ScopeOf(MethodInfo method)
    {
        var grainInterface = method.DeclaringType;
        if (!method.IsDefined(typeof(SiteScopedAttribute)))
        {
            return SiteScope.None;
        }

        return typeof(IGrainWithStringKey).IsAssignableFrom(grainInterface) ? SiteScope.GrainKey
            : typeof(IGrainWithGuidCompoundKey).IsAssignableFrom(grainInterface) ? SiteScope.KeyExtension
            : SiteScope.None;
    }

    private static string? SiteOf(GrainId grain, SiteScope scope)
    {
        if (scope == SiteScope.GrainKey)
        {
            return grain.Key.ToString();
        }

        grain.GetGuidKey(out var siteId);
        return siteId;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Interface}.{Method} from an Orleans client: {Reason}")]
    private partial void LogRefused(string? @interface, string method, string reason);
}
