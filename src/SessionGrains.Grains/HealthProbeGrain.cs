using Orleans.Concurrency;
using SessionGrains.Grains;

namespace SessionGrains.Grains;

[StatelessWorker]
public sealed class HealthProbeGrain : Grain, IHealthProbeGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
