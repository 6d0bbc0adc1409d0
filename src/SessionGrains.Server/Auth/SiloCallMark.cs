using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SessionGrains.Persistence.Secrets;

namespace SessionGrains.Server.Auth;

/// <summary>
/// Marks every grain call a silo makes (its grains, its HTTP API, its timers) with a value derived from the cluster
/// secret, so the silos tell their own calls from an Orleans client's (<see cref="ClientCallGuard"/>). The sender's id
/// cannot tell them: a client's gateway forwards whatever sender a message names, and a silo's own non-grain code calls
/// as a client too. The mark never leaves the cluster: a call to a client carries none, and a client sees no request
/// context of the silos'.
/// </summary>
public sealed class SiloCallMark(ClusterSecret secret) : IOutgoingGrainCallFilter
{
    private const string RequestContextName = "sessiongrains-silo";
    private const string Purpose = "sessiongrains silo call mark v1";

    private string? _mark;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (_mark is null)
        {
            return LoadAndInvokeAsync(context);
        }

        // A grain that handles a marked call carries the mark already: nothing to change, the cheapest case.
        if (IsOnCurrentCall() && RequestContext.Get(CallerKey.RequestContextName) is null && !context.TargetId.IsClient())
        {
            return context.Invoke();
        }

        return MarkAndInvokeAsync(context);
    }

    /// <summary>True when the call being handled was made by a silo of this cluster.</summary>
    public bool IsOnCurrentCall() =>
        RequestContext.Get(RequestContextName) is string presented
        && _mark is { } mark
        && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(presented.AsSpan()), MemoryMarshal.AsBytes(mark.AsSpan()));

    private async Task LoadAndInvokeAsync(IOutgoingGrainCallContext context)
    {
        _mark = Convert.ToBase64String(await secret.DeriveKeyAsync(Purpose));
        await MarkAndInvokeAsync(context);
    }

    // Async, so the change to the request context stays with this call and does not leak into the caller's.
    private async Task MarkAndInvokeAsync(IOutgoingGrainCallContext context)
    {
        // The client's key was for the hop through the gateway; calls between silos need no copy of it.
        RequestContext.Remove(CallerKey.RequestContextName);
        if (context.TargetId.IsClient())
        {
            RequestContext.Remove(RequestContextName);
        }
        else
        {
            RequestContext.Set(RequestContextName, _mark!);
        }

        await context.Invoke();
    }
}
