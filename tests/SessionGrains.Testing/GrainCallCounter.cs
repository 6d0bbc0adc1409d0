using System.Collections.Concurrent;

namespace SessionGrains.Testing;

/// <summary>Counts the grain calls a silo receives, by method name: how a test sees traffic between grains.</summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public int Count(string methodName) => _counts.GetValueOrDefault(methodName);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        _counts.AddOrUpdate(context.MethodName, 1, (_, n) => n + 1);
        return context.Invoke();
    }
}
