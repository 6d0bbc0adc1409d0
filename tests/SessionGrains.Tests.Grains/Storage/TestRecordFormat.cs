using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SessionGrains.Grains.Sites;
using SessionGrains.Persistence.State;

namespace SessionGrains.Tests.Grains.Storage;

/// <summary>The stores' record format outside a silo: Orleans' serializer with the grains' records, as a silo registers them.</summary>
internal static class TestRecordFormat
{
    public static SiteRecordFormat Create() => new(new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(SiteHeader).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());
}
