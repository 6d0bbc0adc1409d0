using SessionGrains.Grains;

namespace SessionGrains.Grains;

/// <summary>Answers on the silo that receives the call: proves the silo schedules grain work.</summary>
public interface IHealthProbeGrain : IGrainWithStringKey
{
    Task PingAsync();
}
