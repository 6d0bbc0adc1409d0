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
    private const int GuidDigits = 32;

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
        if (context.TargetId.IsSystemTarget() || mark.IsOnCurrentCall() || IsOwnTimerTick(context))
        {
            return context.Invoke();
        }

        if (RequestContext.Get(CallerKey.RequestContextName) is not string presented)
        {
            return Refuse(context, "the call carries no key (SessionGrains:SiteKey)");
        }

        // A busy client's key is verified already (KeyVerifier): then the answer is ready, and no await is needed.
        var caller = keys.IdentifyAsync(presented);
        return caller.IsCompletedSuccessfully ? InvokeOrRefuse(context, caller.Result) : InvokeOrRefuseAsync(context, caller);
    }

    /// <summary>
    /// A grain's own timer ticks reach it as calls through the incoming filters too, but with no request context at all
    /// (Orleans makes the timer with the execution context suppressed), so they carry no mark. Their request is Orleans'
    /// own tick, a type nested in its timer class that has no serializer: no client can send one. Anything else naming
    /// the timer's interface is not it, and is judged like any other call.
    /// </summary>
    private static bool IsOwnTimerTick(IIncomingGrainCallContext context) =>
        context.Request.GetType().DeclaringType?.FullName == "Orleans.Runtime.GrainTimer"
        && context.Request.GetInterfaceType().FullName == "Orleans.Runtime.IGrainTimerInvoker";

    private async Task InvokeOrRefuseAsync(IIncomingGrainCallContext context, ValueTask<Caller?> caller) =>
        await InvokeOrRefuse(context, await caller);

    private Task InvokeOrRefuse(IIncomingGrainCallContext context, Caller? caller)
    {
        if (RefusalFor(context, caller) is { } refusal)
        {
            return Refuse(context, refusal);
        }

        TakeKeyOut();
        return context.Invoke();
    }

    private Task Refuse(IIncomingGrainCallContext context, string refusal)
    {
        var method = context.InterfaceMethod;
        LogRefused(method.DeclaringType?.Name, method.Name, refusal);
        return Task.FromException(new CallRefusedException($"{method.DeclaringType?.Name}.{method.Name} was refused: {refusal}."));
    }

    private string? RefusalFor(IIncomingGrainCallContext context, Caller? caller)
    {
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

        return caller.IsSite(SiteOf(context.TargetId, scope)) ? null : "the key belongs to another site";
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

    /// <summary>The site a call's target belongs to, as its grain key holds it (UTF-8).</summary>
    private static ReadOnlySpan<byte> SiteOf(GrainId grain, SiteScope scope)
    {
        var key = grain.Key.AsSpan();
        if (scope == SiteScope.GrainKey)
        {
            return key;
        }

        // A compound key is Orleans' form of a Guid key with an extension: 32 hex digits, '+', the extension.
        return key.Length > GuidDigits && key[GuidDigits] == (byte)'+' ? key[(GuidDigits + 1)..] : [];
    }

    /// <summary>
    /// Takes the key out of the request context the call came with, once checked. Orleans sends the context of the
    /// turn that handled a call back with its answer, so a key left in would travel back to the client with every
    /// answer, and on with every call the grain makes. The context Orleans made for this turn is taken out of the
    /// message for this turn alone, so it is changed in place: a change through <see cref="RequestContext.Remove"/>
    /// would hold only inside this filter, not where Orleans builds the answer.
    /// </summary>
    private static void TakeKeyOut()
    {
        if (RequestContext.Entries is IDictionary<string, object> turnContext)
        {
            turnContext.Remove(CallerKey.RequestContextName);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Interface}.{Method} from an Orleans client: {Reason}")]
    private partial void LogRefused(string? @interface, string method, string reason);
}
